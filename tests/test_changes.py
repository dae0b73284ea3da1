"""The journal tells its listeners what each committed transaction changed."""

from __future__ import annotations

import dataclasses

import pytest

from peerjournal.core.changes import SETTING, Change, JournalChange
from peerjournal.core.journal import Journal
from peerjournal.core.models import RECORD_TYPES, Alias, Session, Tagged, Timestamped, new_id


def listen(journal: Journal) -> list[JournalChange]:
    heard: list[JournalChange] = []
    journal.add_listener(heard.append)
    return heard


def test_save_update_and_delete_are_told_once_each(journal: Journal) -> None:
    heard = listen(journal)
    session = journal.save(Session(id=new_id(), occurred_at="2026-01-05T10:00:00+00:00"))
    session.notes = "Talked."
    journal.save(session)
    journal.delete(Session, session.id)
    assert [c.changes for c in heard] == [
        (Change("created", "session", session.id),),
        (Change("updated", "session", session.id),),
        (Change("deleted", "session", session.id),),
    ]
    assert heard[2].deleted(session.id) and heard[0].touches(session.id)


def test_one_transaction_is_one_change_and_a_rollback_none(journal: Journal) -> None:
    heard = listen(journal)
    with journal.transaction():
        river = journal.save(Alias(id=new_id(), pseudonym="River"))
        journal.set_setting("idle_minutes", 7)
    assert len(heard) == 1
    assert heard[0].kinds == {"alias", SETTING} and not heard[0].records_only
    with pytest.raises(RuntimeError), journal.transaction():
        journal.save(Alias(id=new_id(), pseudonym="Sky"))
        raise RuntimeError("changed my mind")
    assert len(heard) == 1
    assert heard[0].touches(river.id)


def test_drafts_are_not_changes(journal: Journal) -> None:
    heard = listen(journal)
    journal.save_draft("session-form", "session", {"values": {}})
    journal.discard_draft("session-form")
    assert heard == []


def test_a_listener_added_twice_hears_once(journal: Journal) -> None:
    heard: list[JournalChange] = []
    journal.add_listener(heard.append)
    journal.add_listener(heard.append)
    journal.save(Alias(id=new_id(), pseudonym="River"))
    assert len(heard) == 1
    journal.remove_listener(heard.append)
    journal.save(Alias(id=new_id(), pseudonym="Sky"))
    assert len(heard) == 1


def test_record_mixins_match_their_flags() -> None:
    # Journal.save sets timestamps and tags by the mixins: a kind that declares the fields
    # must say so with the mixin, or they would silently not be kept.
    for cls in RECORD_TYPES:
        names = {f.name for f in dataclasses.fields(cls)}
        assert issubclass(cls, Timestamped) == cls.HAS_TIMESTAMPS == ("updated_at" in names), cls
        assert issubclass(cls, Tagged) == cls.HAS_TAGS == ("tags" in names), cls

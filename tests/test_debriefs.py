"""Debriefs (issue 17): the record, the follow-up saving makes, and where a debrief shows up:
timeline, search, Markdown, the JSON export (version 2; version 1 still imports), retention
and the weekly sums of "My wellbeing", with known answers."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core import schema
from peerjournal.core.debriefs import (
    debriefs_after,
    default_talk_by,
    save_debrief,
    talk_by_problem,
)
from peerjournal.core.errors import InvalidRecord
from peerjournal.core.exchange import export_document, import_records, parse_export
from peerjournal.core.journal import Journal
from peerjournal.core.markdown import journal_context, render_entry
from peerjournal.core.models import (
    Alias,
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Session,
    new_id,
)
from peerjournal.core.retention import RetentionSettings, plan_retention, purge
from peerjournal.core.wellbeing import wellbeing_summary
from tests.conftest import PASSPHRASE, TEST_POLICY

TODAY = date(2026, 11, 20)


def a_session(journal: Journal, **fields: object) -> Session:
    river = journal.alias_by_pseudonym("River") or journal.save(
        Alias(id=new_id(), pseudonym="River")
    )
    return journal.save(
        Session(
            id=new_id(),
            alias_id=river.id,
            occurred_at="2026-11-20T14:00:00+01:00",
            safety_flag="concern",
            **fields,  # type: ignore[arg-type]
        )
    )


def a_debrief(**fields: object) -> Debrief:
    values: dict[str, object] = {
        "id": new_id(),
        "at": "2026-11-20T15:30:00+01:00",
        "activation": 7,
        "mine": "my racing heart",
        "theirs": "their decision about tonight",
        "talk_to": "my supervisor",
        "tonight": "a bath and an early night",
    }
    values.update(fields)
    return Debrief(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# The record


def test_there_is_no_field_for_what_happened() -> None:
    """It never asks to re-tell the event (NICE NG116, WHO mhGAP): only these fields."""
    assert [f.name for f in dataclasses.fields(Debrief)] == [
        "id",
        "at",
        "session_id",
        "event_id",
        "activation",
        "mine",
        "theirs",
        "talk_to",
        "talk_by",
        "follow_up_id",
        "tonight",
        "created_at",
        "updated_at",
    ]
    assert "NG116" in (Debrief.__doc__ or "") and "mhGAP" in (Debrief.__doc__ or "")


@pytest.mark.parametrize("activation", [-1, 11])
def test_activation_is_from_0_to_10(journal: Journal, activation: int) -> None:
    with pytest.raises(InvalidRecord, match="activation"):
        journal.save(a_debrief(activation=activation))


def test_activation_may_be_not_noted_and_lines_are_single_lines(journal: Journal) -> None:
    saved = journal.save(a_debrief(activation=None, talk_to="my\nsupervisor", talk_by=None))
    assert saved.activation is None and "\n" not in saved.talk_to
    with pytest.raises(InvalidRecord, match="talk_by"):
        journal.save(a_debrief(talk_by="tomorrow"))


def test_when_to_talk_is_today_to_a_few_days_on() -> None:
    assert default_talk_by(TODAY) == date(2026, 11, 21)
    assert talk_by_problem(date(2026, 11, 20), TODAY) is None
    assert talk_by_problem(date(2026, 11, 23), TODAY) is None
    assert "within 3 days" in (talk_by_problem(date(2026, 11, 24), TODAY) or "")
    assert talk_by_problem(date(2026, 11, 19), TODAY) is not None


# --------------------------------------------------------------------------------------------
# Saving makes a follow-up


def test_saving_creates_a_follow_up_owned_by_me_linked_to_the_session(journal: Journal) -> None:
    session = a_session(journal)
    saved = save_debrief(
        journal, a_debrief(session_id=session.id, talk_by="2026-11-22"), today=TODAY
    )
    follow_up = journal.get(FollowUp, saved.follow_up_id or "")
    assert (follow_up.owner, follow_up.status, follow_up.due_on) == ("me", "open", "2026-11-22")
    assert follow_up.action == "Talk to my supervisor"
    assert (follow_up.session_id, follow_up.alias_id) == (session.id, session.alias_id)
    assert journal.get(Debrief, saved.id).follow_up_id == follow_up.id
    assert debriefs_after(journal, session_id=session.id) == [journal.get(Debrief, saved.id)]


def test_talk_by_defaults_to_tomorrow(journal: Journal) -> None:
    saved = save_debrief(journal, a_debrief(), today=TODAY)
    assert saved.talk_by == "2026-11-21"
    assert journal.get(FollowUp, saved.follow_up_id or "").due_on == "2026-11-21"


def test_no_one_to_talk_to_makes_no_follow_up(journal: Journal) -> None:
    saved = save_debrief(journal, a_debrief(talk_to="  "), today=TODAY)
    assert saved.follow_up_id is None and saved.talk_by is None
    assert journal.counts()["follow_up"] == 0


def test_editing_keeps_one_follow_up_in_line_with_the_debrief(journal: Journal) -> None:
    saved = save_debrief(journal, a_debrief(), today=TODAY)
    saved.talk_to, saved.talk_by = "a friend from my own group", "2026-11-22"
    again = save_debrief(journal, saved, today=TODAY)
    assert again.follow_up_id == saved.follow_up_id
    assert journal.counts()["follow_up"] == 1
    follow_up = journal.get(FollowUp, again.follow_up_id or "")
    assert (follow_up.action, follow_up.due_on) == (
        "Talk to a friend from my own group",
        "2026-11-22",
    )
    # A follow-up already done is left as it was.
    follow_up.status = "done"
    journal.save(follow_up)
    again.talk_to = "someone else"
    save_debrief(journal, again, today=TODAY)
    assert journal.get(FollowUp, follow_up.id).action == "Talk to a friend from my own group"


def test_a_debrief_after_an_event_links_its_session(journal: Journal) -> None:
    session = a_session(journal)
    event = journal.save(
        ConfidentialityEvent(
            id=new_id(), session_id=session.id, alias_id=session.alias_id, at=session.occurred_at
        )
    )
    saved = save_debrief(journal, a_debrief(event_id=event.id), today=TODAY)
    assert saved.session_id is None and saved.event_id == event.id
    assert journal.get(FollowUp, saved.follow_up_id or "").session_id == session.id
    assert debriefs_after(journal, event_id=event.id)[0].id == saved.id
    with pytest.raises(InvalidRecord, match="does not exist"):
        save_debrief(journal, a_debrief(event_id=new_id()), today=TODAY)
    assert journal.counts()["debrief"] == 1  # the failed one left nothing behind


def test_deleting_the_session_or_the_follow_up_clears_the_links(journal: Journal) -> None:
    session = a_session(journal)
    saved = save_debrief(journal, a_debrief(session_id=session.id), today=TODAY)
    journal.delete(FollowUp, saved.follow_up_id or "")
    journal.delete(Session, session.id)
    kept = journal.get(Debrief, saved.id)
    assert (kept.session_id, kept.follow_up_id) == (None, None)


# --------------------------------------------------------------------------------------------
# Where a debrief shows up


def test_timeline_shows_activation_and_who_not_what_happened(journal: Journal) -> None:
    save_debrief(journal, a_debrief(), today=TODAY)
    item = journal.timeline().items[0]  # in the default view
    assert item.kind == "debrief" and item.alias is None
    assert (item.label, item.title) == ("Debrief", "activation 7/10, talk to my supervisor")
    assert item.preview == "my racing heart"
    blank = journal.save(a_debrief(activation=None, talk_to="", mine="", theirs=""))
    shown = next(i for i in journal.timeline().items if i.id == blank.id)
    assert (shown.label, shown.title, shown.preview) == (
        "Debrief",
        "activation not noted",
        "a bath and an early night",
    )


@pytest.mark.parametrize("word", ["racing", "decision", "supervisor", "bath", "debrief"])
def test_search_finds_every_field_written(journal: Journal, word: str) -> None:
    saved = save_debrief(journal, a_debrief(), today=TODAY)
    assert saved.id in [hit.id for hit in journal.search(word)]


def test_an_edit_replaces_the_words_searched(journal: Journal) -> None:
    saved = save_debrief(journal, a_debrief(), today=TODAY)
    saved.mine = "a knot in my stomach"
    journal.save(saved)
    assert journal.search("racing") == [] and journal.search("knot")[0].id == saved.id
    journal.delete(Debrief, saved.id)
    assert journal.search("knot") == []


def test_markdown_shows_each_part_under_its_own_heading(journal: Journal) -> None:
    session = a_session(journal)
    saved = save_debrief(journal, a_debrief(session_id=session.id), today=TODAY)
    text = render_entry(saved, journal_context(journal), level=2)
    assert text.startswith("## 2026-11-20 15:30 · Debrief\n")
    assert "- Activation: 7/10" in text and "with River" in text
    for heading in ("What is mine", "What is theirs", "Who I will talk to", "One thing"):
        assert f"### {heading}" in text
    assert "my supervisor (by 2026-11-21)" in text


def test_export_version_2_round_trips_and_version_1_still_imports(
    journal: Journal, tmp_path: Path
) -> None:
    session = a_session(journal, stayed_with_me=True)
    save_debrief(journal, a_debrief(session_id=session.id), today=TODAY)
    first = export_document(journal)
    assert first["version"] == 2 and len(first["debriefs"]) == 1
    assert first["sessions"][0]["stayed_with_me"] is True
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        summary = import_records(other, parse_export(json.dumps(first).encode()))
        assert summary.added == {
            "alias": 1,
            "session": 1,
            "follow_up": 1,
            "debrief": 1,
        }
        again = export_document(other)
        del again["exported_at"], first["exported_at"]
        assert again == first
    # Version 1 had neither debriefs nor the tick: a debrief section or field is refused there.
    old = {"format": "peerjournal-export", "version": 1, "sessions": [], "debriefs": []}
    with pytest.raises(Exception, match="unknown field 'debriefs'"):
        parse_export(json.dumps(old).encode())
    v1_session = {k: v for k, v in first["sessions"][0].items() if k != "stayed_with_me"}
    records = parse_export(
        json.dumps(
            {"format": "peerjournal-export", "version": 1, "sessions": [v1_session]}
        ).encode()
    )
    assert records[0][1].stayed_with_me is False  # type: ignore[attr-defined]


def test_retention_purges_old_debriefs(journal: Journal) -> None:
    old = save_debrief(journal, a_debrief(at="2024-01-10T20:00:00+00:00", talk_to=""), today=TODAY)
    new = save_debrief(journal, a_debrief(), today=TODAY)
    plan = plan_retention(journal, RetentionSettings(entry_months=12), today=TODAY)
    assert {(item.id, item.kind) for item in plan.items} >= {(old.id, "debrief")}
    assert new.id not in {item.id for item in plan.items}
    purge(journal, plan.items)
    assert not journal.exists(Debrief, old.id) and journal.exists(Debrief, new.id)


def test_change_counter_counts_debriefs(journal: Journal) -> None:
    before = journal.change_count()
    journal.save(a_debrief(talk_to=""))
    assert journal.change_count() == before + 1
    assert "debriefs" in schema._V9_DEBRIEFS


# --------------------------------------------------------------------------------------------
# My wellbeing


def test_weekly_count_and_mean_activation_known_answers(journal: Journal, zone) -> None:
    """London, autumn change on Sunday 25 October 2026 (a 169-hour week); stored offsets."""
    zone("Europe/London")
    for at, activation in (
        ("2026-10-19T00:00:00+01:00", 6),  # the first minute of the week
        ("2026-10-25T23:59:00+00:00", 3),  # the last minute of the long week
        ("2026-10-25T19:30:00-05:00", 8),  # New York evening = Monday 00:30 in London
        ("2026-10-27T10:00:00+00:00", None),  # not noted: counted, not averaged
        ("2026-10-28T10:00:00+00:00", 5),
    ):
        journal.save(a_debrief(id=new_id(), at=at, activation=activation, talk_to=""))
    summary = wellbeing_summary(journal, weeks=3, today=date(2026, 10, 28))
    assert [(w.week_start.isoformat(), w.debriefs, w.activation) for w in summary.weeks] == [
        ("2026-10-12", 0, None),
        ("2026-10-19", 2, 4.5),
        ("2026-10-26", 3, 6.5),
    ]
    # The JSON keeps exactly the fields: the count, not the activation.
    assert summary.to_json()["weeks"][1]["debriefs"] == 2
    assert "activation" not in summary.to_json()["weeks"][1]


def test_a_backup_without_a_debriefs_table_still_verifies(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup made before debriefs existed (schema 8) has no table for them: it counts none
    instead of being refused as unreadable. (A table name no backup has stands in for it.)"""
    from peerjournal.core.backup import create_backup, verify_backup

    journal.save(Alias(id=new_id(), pseudonym="River"))
    made = tmp_path / "old.pjbackup"
    create_backup(journal, made)
    monkeypatch.setattr(Debrief, "TABLE", "debriefs_not_in_this_backup")
    counts = verify_backup(made, PASSPHRASE, policy=TEST_POLICY).counts
    assert counts["alias"] == 1 and counts["debrief"] == 0

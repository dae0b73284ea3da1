"""Schema migrations: a journal written by an older version opens, upgraded, with nothing lost."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlcipher3

from peerjournal.core import schema
from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    new_id,
    sort_key_micros,
)
from peerjournal.core.supervision import items_for_supervision
from tests.conftest import PASSPHRASE, TEST_POLICY


def _at(day: int) -> str:
    return (datetime(2025, 3, 1, 9, tzinfo=UTC) + timedelta(days=day)).isoformat()


def _version(journal: Journal) -> int:
    return int(journal.vault.connection.execute("PRAGMA user_version").fetchone()[0])


def _older_journal(home: Path, version: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A journal as peerjournal wrote it at schema `version`, with tagged entries."""
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:version])
        patch.setattr(schema, "LATEST_VERSION", version)
        with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as old:
            assert _version(old) == version
            ids, tags = [], []
            for day in range(12):
                session = _old_session(old, _at(day), notes=f"day {day}")
                ids.append(session.id)
                tags += [(session.id, "housing", 0)] + ([(session.id, "grief", 1)] * (day % 3 == 0))
            later = old.save(Reflection(id=new_id(), occurred_on="2025-03-20", body="later"))
            tags.append((later.id, "grief", 0))
            old.save(CheckIn(id=new_id(), at=_at(13), self_care="a walk"))
            _old_follow_up(old, due_on="2025-03-30", action="call back")
            _old_event(old, at=_at(15), told=1, minimum="minimum", notes="")
            # Tags as the version-2 code stored them (today's save() writes version 3 columns).
            with old.transaction():
                old.vault.connection.executemany(
                    "INSERT INTO tags (entry_id, tag, position) VALUES (?, ?, ?)", tags
                )
    return ids


def _old_session(old: Journal, occurred_at: str, notes: str = "") -> Session:
    """A session as schema versions 1 to 8 stored it (before `stayed_with_me`)."""
    session = Session(id=new_id(), occurred_at=occurred_at, notes=notes)
    with old.transaction():
        old.vault.connection.execute(
            "INSERT INTO sessions (id, occurred_at, sort_ts, modality, method, setting, notes, "
            "created_at, updated_at) VALUES (?, ?, ?, 'individual', 'in_person', 'community', "
            "?, ?, ?)",
            (session.id, occurred_at, sort_key_micros(session), notes, occurred_at, occurred_at),
        )
    return session


def _old_follow_up(old: Journal, *, due_on: str, action: str) -> str:
    """A follow-up as schema versions before supervision stored it (no `supervision_id`)."""
    follow_up = FollowUp(id=new_id(), due_on=due_on, action=action)
    with old.transaction():
        old.vault.connection.execute(
            "INSERT INTO follow_ups (id, due_on, sort_ts, action) VALUES (?, ?, ?, ?)",
            (follow_up.id, due_on, sort_key_micros(follow_up), action),
        )
    return follow_up.id


def _old_event(
    old: Journal, *, at: str, told: int, minimum: str, notes: str, category: str = "other"
) -> str:
    """A confidentiality event as schema versions 1 to 5 stored it (with `person_told`)."""
    event_id = new_id()
    event = ConfidentialityEvent(id=event_id, at=at)
    with old.transaction():
        old.vault.connection.execute(
            "INSERT INTO confidentiality_events (id, at, sort_ts, category, consulted_role, "
            "disclosed_minimum, person_told, notes) VALUES (?, ?, ?, ?, 'duty manager', ?, ?, ?)",
            (event_id, at, sort_key_micros(event), category, minimum, told, notes),
        )
    return event_id


def test_a_version_5_journal_gets_complete_findable_events(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:5])
        patch.setattr(schema, "LATEST_VERSION", 5)
        with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as old:
            told = _old_event(
                old,
                at=_at(1),
                told=1,
                minimum="the risk",
                notes="we called",
                category="risk_to_others",
            )
            unticked = _old_event(
                old, at=_at(2), told=0, minimum="", notes="", category="risk_to_others"
            )
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        first = journal.get(ConfidentialityEvent, told)
        assert first.person_involvement == "told" and first.notes == "we called"
        assert first.occasion == "limits_reached" and first.official_record == ""
        assert journal.get(ConfidentialityEvent, unticked).person_involvement == ""
        # Findable by the words of its category and occasion, as well as by its text.
        assert {h.id for h in journal.search("risk to others")} == {told, unticked}
        assert {h.id for h in journal.search("limits reached")} == {told, unticked}
        assert [h.id for h in journal.search("called")] == [told]
        page = journal.timeline(kinds=["confidentiality_event"])
        assert [(i.id, i.label, i.title, i.preview) for i in page.items] == [
            (unticked, "Limits", "risk to others", ""),
            (told, "Limits", "risk to others", "we called"),
        ]
        first.how_it_landed = "heavy, then lighter"
        first.occasion = "concern"
        journal.save(first)
        assert [h.id for h in journal.search("lighter")] == [told]
        assert journal.timeline(kinds=["confidentiality_event"]).items[1].label == "Concern"
        assert journal.check(TEST_POLICY.floor).ok


def test_a_new_journal_is_at_the_latest_version(journal: Journal) -> None:
    assert _version(journal) == schema.LATEST_VERSION == len(schema.MIGRATIONS)


def test_a_version_2_journal_is_upgraded_with_its_tags_in_time_order(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _older_journal(home, 2, monkeypatch)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        conn = journal.vault.connection
        stale = conn.execute(
            "SELECT count(*) FROM tags t JOIN entries e ON e.id = t.entry_id "
            "WHERE t.sort_ts <> e.sort_ts OR t.entry_rowid <> e.rowid"
        ).fetchone()[0]
        assert stale == 0
        assert [i.id for i in journal.timeline(tag="housing").items] == ids[::-1]
        grief = [i.id for i in journal.timeline(tag="grief").items]
        assert len(grief) == 5 and grief[1:] == [ids[9], ids[6], ids[3], ids[0]]
        # The upgraded triggers work: a flag-only edit keeps the words searchable, a text
        # edit replaces them, a new tag is found.
        session = journal.get(Session, ids[4])
        session.safety_flag = "concern"
        session.tags = ["benefits"]
        journal.save(session)
        assert [h.id for h in journal.search('"day 4"')] == [ids[4]]
        assert [i.id for i in journal.timeline(tag="benefits").items] == [ids[4]]
        session.notes = "rewritten"
        journal.save(session)
        assert journal.search('"day 4"') == []
        assert [h.id for h in journal.search("rewritten")] == [ids[4]]
        assert journal.check(TEST_POLICY.floor).ok


def test_a_journal_from_a_newer_version_is_refused_untouched(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:  # written by a version with one more migration
        newer = (*schema.MIGRATIONS, "CREATE TABLE later (x);")
        patch.setattr(schema, "MIGRATIONS", newer)
        patch.setattr(schema, "LATEST_VERSION", len(newer))
        Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    database = home / "journal-1.db"
    before = database.read_bytes()
    with pytest.raises(JournalError, match="newer version"):
        Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    assert database.read_bytes() == before


# SQLCipher 4 keeps 80 bytes of each page for its IV (16) and HMAC-SHA512 (64); SQLite keeps a
# row on its page only up to (usable size - 35) bytes; a leaf row's record header is 4 bytes.
_SQLCIPHER_RESERVE = 80
_RECORD_HEADER = 4


def _fill_the_search_index(journal: Journal, notes: int) -> None:
    """Enough varied text that FTS5 writes full leaves (merged segments of many words)."""
    rng = random.Random(4)  # noqa: S311 - test data
    vocabulary = ["".join(rng.choices("bcdfghklmnprstvz", k=2)) + f"{n:x}" for n in range(3000)]
    for day in range(notes):
        words = " ".join(rng.choices(vocabulary, k=300))
        journal.save(Session(id=new_id(), occurred_at=_at(day), notes=words))


def _fts_setting(journal: Journal, key: str) -> object:
    row = journal.vault.connection.execute(
        "SELECT v FROM entries_fts_config WHERE k = ?", (key,)
    ).fetchone()
    return None if row is None else row[0]


def _leaf_sizes(journal: Journal) -> tuple[int, int]:
    """(largest row, rows within 200 bytes of the leaf size) of the search index's data."""
    largest, full = journal.vault.connection.execute(
        "SELECT max(length(block)), sum(length(block) > ?) FROM entries_fts_data",
        (schema.FTS_LEAF_BYTES - 200,),
    ).fetchone()
    return int(largest), int(full)


def test_search_index_leaves_fit_on_one_encrypted_page(journal: Journal) -> None:
    assert _fts_setting(journal, "pgsz") == schema.FTS_LEAF_BYTES
    _fill_the_search_index(journal, 120)
    largest, full = _leaf_sizes(journal)
    assert full >= 20  # the index has full leaves, or this would prove nothing
    page_size = journal.vault.connection.execute("PRAGMA page_size").fetchone()[0]
    usable = int(page_size) - _SQLCIPHER_RESERVE
    assert largest + _RECORD_HEADER <= usable - 35


def test_a_version_3_journal_writes_its_new_leaves_to_fit(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _older_journal(home, 3, monkeypatch)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        assert _fts_setting(journal, "pgsz") == schema.FTS_LEAF_BYTES
        assert _fts_setting(journal, "secure-delete") == 1
        assert [h.id for h in journal.search('"day 7"')] == [ids[7]]
        _fill_the_search_index(journal, 120)
        largest, full = _leaf_sizes(journal)
        assert full >= 20 and largest <= schema.FTS_LEAF_BYTES + 8
        journal.delete(Session, ids[7])
        assert journal.search('"day 7"') == []
        assert journal.check(TEST_POLICY.floor).ok


def test_a_version_4_journal_is_upgraded_with_a_summary_for_every_entry(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _older_journal(home, 4, monkeypatch)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        conn = journal.vault.connection
        upgraded = dict(conn.execute("SELECT id, summary FROM entries").fetchall())
        assert len(upgraded) == 16 and "[]" not in upgraded.values()
        # The migration wrote what the new triggers write: touch every record, compare.
        dated = (Session, Reflection, CheckIn, FollowUp, ConfidentialityEvent)
        with journal.transaction():
            for cls in dated:
                conn.execute(f"UPDATE {cls.TABLE} SET sort_ts = sort_ts")  # noqa: S608
        assert dict(conn.execute("SELECT id, summary FROM entries").fetchall()) == upgraded
        page = journal.timeline(kinds=[cls.KIND for cls in dated])
        shown = {item.id: (item.label, item.title, item.preview) for item in page.items}
        assert shown[ids[3]] == ("Session", "in person, individual", "day 3")
        assert sorted(shown.values())[:3] == [
            ("Check-in", "mood 3, energy 3, stress 3", "a walk"),
            ("Follow-up", "me, open", "call back"),
            ("Limits", "other", "minimum"),
        ]
        assert journal.check(TEST_POLICY.floor).ok


def test_a_migration_that_fails_part_way_changes_nothing(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each migration runs in one transaction: an interrupted upgrade leaves the journal at its
    # old version, whole, and the next unlock upgrades it.
    ids = _older_journal(home, 4, monkeypatch)
    with monkeypatch.context() as patch:
        broken = (*schema.MIGRATIONS[:4], schema.MIGRATIONS[4] + "\nSELECT no_such_function();")
        patch.setattr(schema, "MIGRATIONS", broken)
        with pytest.raises(sqlcipher3.OperationalError, match="no_such_function"):
            Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    with monkeypatch.context() as patch:  # what the failed attempt left behind
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
        patch.setattr(schema, "LATEST_VERSION", 4)
        with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
            assert _version(journal) == 4
            columns = [
                row[1] for row in journal.vault.connection.execute("PRAGMA table_info(entries)")
            ]
            assert "summary" not in columns
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        assert journal.timeline(limit=20).items[-1].id == ids[0]
        assert journal.check(TEST_POLICY.floor).ok


def test_a_version_5_journal_sorts_its_reflections_at_the_time_they_were_written(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before version 6 a reflection sorted at the end of its day, above that day's later
    # sessions; the upgrade puts it at the time of day it was written.
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:5])
        patch.setattr(schema, "LATEST_VERSION", 5)
        with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as old:
            written = datetime(2026, 11, 20, 9, 0).astimezone().isoformat(timespec="seconds")
            reflection = old.save(
                Reflection(id=new_id(), occurred_on="2026-11-20", created_at=written),
                keep_times=True,
            )
            later = datetime(2026, 11, 20, 17, 30).astimezone().isoformat(timespec="seconds")
            session = _old_session(old, later)
            end_of_day = int(datetime(2026, 11, 20, 23, 59, 59).astimezone().timestamp() * 1e6)
            with old.transaction():
                old.vault.connection.execute("UPDATE reflections SET sort_ts = ?", (end_of_day,))
            assert [i.id for i in old.timeline().items] == [reflection.id, session.id]
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        assert [i.id for i in journal.timeline().items] == [session.id, reflection.id]
        conn = journal.vault.connection
        (stored,) = conn.execute("SELECT sort_ts FROM reflections").fetchone()
        assert stored == int(datetime(2026, 11, 20, 9, 0).astimezone().timestamp() * 1e6)


def test_a_journal_before_supervision_is_upgraded_and_keeps_its_follow_ups(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = schema.MIGRATIONS.index(schema._V10_SUPERVISION)
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:before])
        patch.setattr(schema, "LATEST_VERSION", before)
        with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as old:
            follow_up_id = _old_follow_up(old, due_on="2025-03-30", action="call back")
            marked = old.save(
                Reflection(id=new_id(), occurred_on="2025-03-20", body="b", for_supervision=True)
            )
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert _version(journal) == schema.LATEST_VERSION
        follow_up = journal.get(FollowUp, follow_up_id)
        assert follow_up.action == "call back" and follow_up.supervision_id is None
        assert journal.counts()["supervision"] == 0
        assert [item.id for item in items_for_supervision(journal)] == [marked.id]
        assert journal.check(TEST_POLICY.floor).ok

"""Retention: off by default, an exact plan, a permanent purge, and the CLI's dry run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core.errors import StorageFull, UsageError
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    new_id,
)
from peerjournal.core.retention import (
    NotCompacted,
    RetentionSettings,
    months_before,
    plan_retention,
    purge,
    retention_settings,
    set_retention,
)
from tests import samples
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY

TODAY = date(2026, 11, 27)
MARKER = "zqxpurgemarker"


@dataclass
class Fixture:
    closed_old: Alias
    closed_recent: Alias
    active: Alias
    old_session: Session
    recent_session: Session
    active_session: Session
    linked_reflection: Reflection
    follow_up: FollowUp
    event_via_session: ConfidentialityEvent
    old_checkin: CheckIn
    new_checkin: CheckIn


def fill(journal: Journal) -> Fixture:
    def alias(name: str, status: str, updated: str) -> Alias:
        created = "2024-01-01T09:00:00+00:00"
        return samples.alias(
            journal, name, status=status, created_at=created, updated_at=updated, keep_times=True
        )

    def session(alias_id: str, when: str, notes: str = "") -> Session:
        return samples.session(journal, alias_id=alias_id, occurred_at=when, notes=notes)

    closed_old = alias("Oak", "closed", "2025-01-10T12:00:00+00:00")
    closed_recent = alias("Elm", "closed", "2026-10-01T12:00:00+00:00")
    active = alias("Ash", "active", "2024-02-01T12:00:00+00:00")
    old_session = session(closed_old.id, "2026-06-01T10:00:00+00:00", f"{MARKER} " * 5000)
    recent_session = session(closed_recent.id, "2026-06-02T10:00:00+00:00")
    active_session = session(active.id, "2023-01-05T10:00:00+00:00")
    linked = samples.reflection(
        journal, occurred_on="2026-06-01", body="mine", session_id=old_session.id
    )
    follow_up = samples.follow_up(journal, MARKER, alias_id=closed_old.id, due_on="2026-06-10")
    event = samples.event(
        journal, session_id=old_session.id, at="2026-06-01T10:30:00+00:00", notes=MARKER
    )
    old_checkin = samples.checkin(journal, at="2024-05-01T20:00:00+00:00")
    new_checkin = samples.checkin(journal, at="2026-11-01T20:00:00+00:00")
    return Fixture(
        closed_old,
        closed_recent,
        active,
        old_session,
        recent_session,
        active_session,
        linked,
        follow_up,
        event,
        old_checkin,
        new_checkin,
    )


@pytest.fixture
def data(journal: Journal) -> Fixture:
    return fill(journal)


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert months_before(date(2026, 11, 27), 0) == date(2026, 11, 27)


def test_retention_is_off_by_default(journal: Journal, data: Fixture) -> None:
    assert retention_settings(journal) == RetentionSettings()
    plan = plan_retention(journal, today=TODAY)
    assert plan.empty and not plan.settings.enabled


def test_the_closed_alias_rule_lists_exactly_that_aliases_records(
    journal: Journal, data: Fixture
) -> None:
    plan = plan_retention(journal, RetentionSettings(closed_alias_months=12), today=TODAY)
    assert {item.id for item in plan.items} == {
        data.old_session.id,
        data.follow_up.id,
        data.event_via_session.id,  # linked through the session only
    }
    assert plan.counts() == {"session": 1, "follow_up": 1, "confidentiality_event": 1}
    assert all("Oak was closed" in item.reason for item in plan.items)
    assert plan.items[0].reason.endswith(", more than 12 months ago")
    session_item = next(item for item in plan.items if item.kind == "session")
    assert session_item.alias == "Oak" and session_item.when.startswith("2026-06-01")


def test_the_entry_rule_lists_every_kind_older_than_n_months(
    journal: Journal, data: Fixture
) -> None:
    plan = plan_retention(journal, RetentionSettings(entry_months=24), today=TODAY)
    assert [item.id for item in plan.items] == [data.active_session.id, data.old_checkin.id]
    assert plan.items[0].reason == "dated before 2024-11-27 (more than 24 months ago)"
    one = plan_retention(journal, RetentionSettings(entry_months=1), today=TODAY)
    assert one.items[0].reason == "dated before 2026-10-27 (more than 1 month ago)"
    both = plan_retention(
        journal, RetentionSettings(closed_alias_months=12, entry_months=24), today=TODAY
    )
    assert len(both.items) == 5
    assert [item.when[:10] for item in both.items] == sorted(item.when[:10] for item in both.items)


def test_purge_deletes_exactly_the_plan_and_leaves_no_trace(
    journal: Journal, data: Fixture, tmp_path: Path
) -> None:
    def plaintext_copy(name: str) -> bytes:
        target = tmp_path / name
        with journal.locked_connection() as conn:
            conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
            conn.execute("SELECT sqlcipher_export('plain')").fetchall()
            conn.execute("DETACH DATABASE plain")
        return target.read_bytes()

    assert MARKER.encode() in plaintext_copy("before.db")  # so the check below can fail
    plan = plan_retention(journal, RetentionSettings(closed_alias_months=12), today=TODAY)
    samples.session(journal, alias_id=data.closed_old.id, occurred_at="2026-11-26T09:00:00+00:00")
    deleted = purge(journal, plan.items)
    assert deleted == {"session": 1, "follow_up": 1, "confidentiality_event": 1}
    counts = journal.counts()
    assert counts["session"] == 3  # the one added after the plan was shown stays
    assert counts["reflection"] == 1 and counts["alias"] == 3
    assert journal.get(Reflection, data.linked_reflection.id).session_id is None
    assert journal.search(MARKER) == []
    assert MARKER.encode() not in plaintext_copy("after.db")
    assert journal.check().problems == []
    # compact() wrote the database afresh into the next generation, and removed the old one.
    assert journal.vault.header.generation == 2
    assert [p.name for p in journal.home.glob("journal-*.db")] == ["journal-2.db"]
    assert not (journal.home / "journal-2.db-wal").stat().st_size
    with journal.locked_connection() as conn:  # no free pages: the file is as small as the data
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_a_purge_whose_compaction_fails_says_what_it_purged(
    journal: Journal, data: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full() -> None:
        raise StorageFull()

    monkeypatch.setattr(journal.vault, "rewrite", disk_full)
    plan = plan_retention(journal, RetentionSettings(closed_alias_months=12), today=TODAY)
    with pytest.raises(NotCompacted) as raised:
        purge(journal, plan.items)
    assert raised.value.deleted == {"session": 1, "follow_up": 1, "confidentiality_event": 1}
    assert raised.value.message == (
        "Purged 3 entries, but the journal file could not be made smaller afterwards: the disk "
        "is full. The purged entries are gone either way; the file shrinks at the next purge."
    )
    assert raised.value.exit_code == StorageFull.exit_code
    assert journal.search(MARKER) == []  # purged all the same
    assert journal.vault.header.generation == 1  # on the file it had
    samples.session(journal, occurred_at="2026-11-26T09:00:00+00:00")
    assert journal.check().problems == []


def test_settings_are_validated_and_stored(journal: Journal) -> None:
    set_retention(journal, RetentionSettings(closed_alias_months=6, entry_months=None))
    assert retention_settings(journal) == RetentionSettings(6, None)
    with pytest.raises(UsageError):
        set_retention(journal, RetentionSettings(entry_months=0))
    assert retention_settings(journal) == RetentionSettings(6, None)


def test_cli_purge_dry_run_lists_and_purge_asks_first(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal)
    code, out, err = run_cli(capsys, "--home", str(home), "purge", "--dry-run")
    assert code == 0 and "Retention is off" in err
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        set_retention(journal, RetentionSettings(closed_alias_months=12))
    code, out, err = run_cli(capsys, "--home", str(home), "purge", "--dry-run")
    assert code == 0, err
    assert "Oak was closed" in out and "3 entries: " in out and "Dry run" in out
    assert "1 session, 1 follow-up" in out and "1 confidentiality event" in out
    code, out, err = run_cli(capsys, "--home", str(home), "purge")
    assert code == 2 and "--yes" in err
    code, out, err = run_cli(capsys, "--home", str(home), "purge", "--entry-months", "1")
    assert code == 2  # more now, but still nothing without consent
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["session"] == 3
    code, out, err = run_cli(capsys, "--home", str(home), "purge", "--yes")
    assert code == 0 and "Purged 3 entries" in out
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["session"] == 2
    code, out, err = run_cli(capsys, "--home", str(home), "purge", "--dry-run")
    assert code == 0 and "Nothing is old enough" in out


def test_supervisions_follow_the_entry_rule_and_stay_under_the_alias_rule(
    journal: Journal, data: Fixture
) -> None:
    from peerjournal.core.models import Supervision
    from peerjournal.core.supervision import agreed_actions, record_supervision

    old = record_supervision(
        journal,
        Supervision(id=new_id(), occurred_on="2024-03-01", notes=MARKER),
        ["an old action"],
        date(2024, 3, 8),
    )
    brought_oak = record_supervision(
        journal,
        Supervision(id=new_id(), occurred_on="2026-06-05", items=[data.old_session.id]),
        ["a recent action"],
        date(2026, 12, 1),
    )
    by_alias = plan_retention(journal, RetentionSettings(closed_alias_months=12), today=TODAY)
    assert "supervision" not in by_alias.counts()  # the supporter's own, like reflections
    by_age = plan_retention(journal, RetentionSettings(entry_months=24), today=TODAY)
    assert by_age.counts() == {"session": 1, "follow_up": 1, "checkin": 1, "supervision": 1}
    assert purge(journal, by_age.items)["supervision"] == 1
    assert journal.counts()["supervision"] == 1 and journal.search(MARKER)  # the others' text
    assert agreed_actions(journal, old.id) == []
    assert [a.action for a in agreed_actions(journal, brought_oak.id)] == ["a recent action"]
    purge(journal, by_alias.items)
    # The session brought is gone; the supervision stays, naming its id, and shows nothing.
    assert journal.get(Supervision, brought_oak.id).items == [data.old_session.id]

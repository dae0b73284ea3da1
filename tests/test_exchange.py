"""JSON export and import: the documented format, round trips, idempotence, all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerjournal.core.errors import ImportFailed, JournalError
from peerjournal.core.exchange import (
    export_document,
    import_records,
    parse_export,
    write_private_file,
)
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
from tests.conftest import PASSPHRASE, TEST_POLICY


def fill(journal: Journal) -> None:
    river = journal.save(
        Alias(id=new_id(), pseudonym="River", themes=["housing"], limits_explained_on="2026-01-05")
    )
    session = journal.save(
        Session(
            id=new_id(),
            alias_id=river.id,
            occurred_at="2026-11-20T14:00:00+01:00",
            duration_min=45,
            notes="ünïcödé ✓ [bold]not markup[/]",
            tags=["housing"],
        )
    )
    journal.save(Session(id=new_id(), occurred_at="2026-11-21T09:00:00-05:00", modality="group"))
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-11-20",
            template="gibbs",
            title="After River",
            body="## Description\nok",
            session_id=session.id,
            for_supervision=True,
            tags=["supervision"],
        )
    )
    journal.save(
        FollowUp(
            id=new_id(),
            alias_id=river.id,
            session_id=session.id,
            due_on="2026-11-27",
            action="call back",
            owner="both",
        )
    )
    journal.save(
        CheckIn(
            id=new_id(),
            at="2026-11-20T21:00:00+01:00",
            mood=3,
            energy=2,
            stress=4,
            self_care="bath",
        )
    )
    journal.save(
        ConfidentialityEvent(
            id=new_id(),
            session_id=session.id,
            alias_id=river.id,
            at="2026-11-20T15:00:00+01:00",
            category="risk_to_self",
            limits_explained_before=True,
            consulted_role="supervisor",
            disclosed_minimum="risk only",
            person_told=True,
        )
    )


def records_of(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_export_has_the_documented_shape(journal: Journal) -> None:
    fill(journal)
    document = export_document(journal)
    assert document["format"] == "peerjournal-export" and document["version"] == 1
    assert set(document) == {
        "format",
        "version",
        "exported_at",
        "aliases",
        "sessions",
        "reflections",
        "follow_ups",
        "checkins",
        "confidentiality_events",
    }
    session = document["sessions"][0]
    assert list(session) == [
        "id",
        "alias_id",
        "occurred_at",
        "duration_min",
        "modality",
        "method",
        "setting",
        "goal_focus",
        "support_offered",
        "response",
        "strengths",
        "their_words",
        "next_steps",
        "referrals",
        "notes",
        "shared_my_story",
        "reviewed_with_person",
        "safety_flag",
        "tags",
        "created_at",
        "updated_at",
    ]
    assert list(document["follow_ups"][0]) == [
        "id",
        "alias_id",
        "session_id",
        "due_on",
        "action",
        "owner",
        "status",
        "done_at",
    ]
    json.dumps(document)  # serialisable as is


def test_export_import_export_gives_the_same_records(journal: Journal, tmp_path: Path) -> None:
    fill(journal)
    first = export_document(journal)
    raw = json.dumps(first).encode()
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        summary = import_records(other, parse_export(raw))
        assert summary.total_added == 7
        assert records_of(export_document(other)) == records_of(first)
        again = import_records(other, parse_export(raw))
        assert again.total_added == 0 and again.total_unchanged == 7
        assert records_of(export_document(other)) == records_of(first)


def test_import_fills_defaults_for_omitted_fields(journal: Journal) -> None:
    raw = json.dumps(
        {
            "format": "peerjournal-export",
            "version": 1,
            "aliases": [{"id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01", "pseudonym": "Sky"}],
            "sessions": [
                {
                    "id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f02",
                    "occurred_at": "2026-11-20T14:00:00+01:00",
                }
            ],
            "reflections": [
                {"id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f03", "occurred_on": "2026-11-20"}
            ],
        }
    ).encode()
    import_records(journal, parse_export(raw))
    session = journal.get(Session, "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f02")
    assert session.modality == "individual" and session.tags == [] and session.created_at


def good_document(journal: Journal) -> dict:
    fill(journal)
    return export_document(journal)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["sessions"][0].update(colour="blue"), "unknown field 'colour'"),
        (lambda d: d["sessions"][1].pop("occurred_at"), "sessions\\[1\\]: field 'occurred_at'"),
        (lambda d: d["checkins"][0].update(mood=7), "checkins\\[0\\]: field 'mood'"),
        (lambda d: d["sessions"][0].update(method="carrier pigeon"), "method"),
        (
            lambda d: d["sessions"][0].update(alias_id="6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f99"),
            "sessions\\[0\\].*does not exist",
        ),
        (lambda d: d["aliases"].append(dict(d["aliases"][0])), "id appears twice"),
        (lambda d: d.update(format="jrnl"), "not a peerjournal export"),
        (lambda d: d.update(extra=1), "unknown field 'extra'"),
        (lambda d: d["sessions"][0].update(id="not-a-uuid"), "UUID"),
        (lambda d: d["sessions"][0].update(duration_min="45"), "whole number"),
        (lambda d: d.update(sessions={}), "must be a list"),
    ],
)
def test_a_malformed_import_changes_nothing_and_names_the_problem(
    journal: Journal, tmp_path: Path, mutate, message: str
) -> None:
    document = good_document(journal)
    mutate(document)
    with Journal.create(tmp_path / "target", PASSPHRASE, policy=TEST_POLICY) as target:
        target.save(Alias(id=new_id(), pseudonym="Existing"))
        before = records_of(export_document(target))
        with pytest.raises(ImportFailed, match=message):
            import_records(target, parse_export(json.dumps(document).encode()))
        assert records_of(export_document(target)) == before


def test_a_truncated_import_names_its_position(journal: Journal) -> None:
    raw = json.dumps(good_document(journal), indent=1).encode()
    with pytest.raises(ImportFailed, match="line \\d+, column \\d+"):
        parse_export(raw[: len(raw) // 2])
    with pytest.raises(ImportFailed, match="UTF-8"):
        parse_export(b"\xff\xfe\x00")


def test_import_error_messages_do_not_echo_note_text(journal: Journal) -> None:
    document = good_document(journal)
    document["sessions"][0]["notes"] = 12345
    document["sessions"][0]["goal_focus"] = "SECRET-NOTE-TEXT"
    with pytest.raises(ImportFailed) as caught:
        parse_export(json.dumps(document).encode())
    assert "SECRET" not in str(caught.value)


def test_private_files_are_0600_and_never_clobbered(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    write_private_file(target, b"{}")
    assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(JournalError):
        write_private_file(target, b"[]")
    assert target.read_bytes() == b"{}"
    write_private_file(target, b"[]", overwrite=True)
    assert target.read_bytes() == b"[]"
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_records_imported_without_timestamps_reimport_cleanly(
    journal: Journal, tmp_path: Path
) -> None:
    raw = json.dumps(
        {
            "format": "peerjournal-export",
            "version": 1,
            "aliases": [{"id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01", "pseudonym": "Sky"}],
            "reflections": [
                {"id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f03", "occurred_on": "2026-11-20"}
            ],
        }
    ).encode()
    first = import_records(journal, parse_export(raw))
    assert first.total_added == 2
    again = import_records(journal, parse_export(raw))
    assert again.total_unchanged == 2 and again.total_updated == 0
    exported = json.dumps(export_document(journal)).encode()
    with Journal.create(tmp_path / "copy", PASSPHRASE, policy=TEST_POLICY) as other:
        assert import_records(other, parse_export(exported)).total_added == 2
        assert records_of(export_document(other)) == records_of(export_document(journal))

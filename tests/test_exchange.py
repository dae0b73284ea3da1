"""JSON export and import: the documented format, round trips, idempotence, all-or-nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core.debriefs import save_debrief
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
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Session,
    new_id,
)
from tests import samples
from tests.conftest import PASSPHRASE, TEST_POLICY


def fill(journal: Journal) -> None:
    river = samples.alias(
        journal,
        pseudonym="River",
        themes=["housing"],
        also_known_as=["Riv", "the Rover"],
        limits_explained_on="2026-01-05",
        limits_explained_note="risk to life, safeguarding, court orders",
        dual_relationships=["same_fellowship", "neighbour"],
        dual_plan="We say hello at meetings; support stays in sessions.",
        dual_discussed_on="2026-02-01",
        dual_review_on="2026-08-01",
    )
    session = samples.session(
        journal,
        alias_id=river.id,
        occurred_at="2026-11-20T14:00:00+01:00",
        duration_min=45,
        notes="ünïcödé ✓ [bold]not markup[/]",
        tags=["housing"],
    )
    samples.session(journal, occurred_at="2026-11-21T09:00:00-05:00", modality="group")
    reflection = samples.reflection(
        journal,
        occurred_on="2026-11-20",
        template="gibbs",
        title="After River",
        body="## Description\nok",
        session_id=session.id,
        for_supervision=True,
        tags=["supervision"],
    )
    samples.follow_up(
        journal,
        alias_id=river.id,
        session_id=session.id,
        due_on="2026-11-27",
        action="call back",
        owner="both",
    )
    supervision = samples.supervision(
        journal,
        occurred_on="2026-11-25",
        supervisor_role="peer lead",
        format="group",
        items=[reflection.id, session.id, new_id()],  # the last one deleted since
        notes="talked about pacing",
        next_on="2026-12-09",
    )
    samples.follow_up(
        journal,
        due_on="2026-12-02",
        action="read the policy",
        supervision_id=supervision.id,
    )
    samples.checkin(
        journal,
        at="2026-11-20T21:00:00+01:00",
        mood=3,
        energy=2,
        stress=4,
        self_care="bath",
    )
    samples.event(
        journal,
        session_id=session.id,
        alias_id=river.id,
        at="2026-11-20T15:00:00+01:00",
        category="risk_to_self",
        limits_explained_before=True,
        consulted_role="supervisor",
        disclosed_to="crisis team",
        disclosed_minimum="risk only",
        reason="a plan for tonight",
        person_involvement="told_before",
        person_involvement_note="they were in the room",
        official_record="yes",
        outcome="crisis team visited",
        how_it_landed="shaken, then steadier",
        for_supervision=True,
        notes="they described a plan",
    )
    samples.event(
        journal,
        at="2026-11-22T10:00:00+00:00",
        occasion="concern",
        category="risk_to_self",
        consulted_role="supervisor",
        outcome="no disclosure; check in on Friday",
        reason="no plan, protective factors",
    )
    # A debrief after the session (export format version 2), with the follow-up it makes.
    save_debrief(
        journal,
        Debrief(
            id=new_id(),
            at="2026-11-20T16:00:00+01:00",
            session_id=session.id,
            activation=7,
            mine="my racing thoughts",
            theirs="their plan",
            talk_to="my supervisor",
            talk_by="2026-11-21",
            tonight="an early night",
        ),
        today=date(2026, 11, 20),
    )


def records_of(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_export_has_the_documented_shape(journal: Journal) -> None:
    fill(journal)
    document = export_document(journal)
    assert document["format"] == "peerjournal-export" and document["version"] == 2
    assert set(document) == {
        "format",
        "version",
        "exported_at",
        "aliases",
        "sessions",
        "reflections",
        "supervisions",
        "follow_ups",
        "checkins",
        "confidentiality_events",
        "debriefs",
        "boundary_events",
    }
    assert list(document["supervisions"][0]) == [
        "id",
        "occurred_on",
        "supervisor_role",
        "format",
        "items",
        "notes",
        "next_on",
        "created_at",
        "updated_at",
    ]
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
        "stayed_with_me",
        "tags",
        "created_at",
        "updated_at",
    ]
    assert list(document["debriefs"][0]) == [
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
    assert list(document["follow_ups"][0]) == [
        "id",
        "alias_id",
        "session_id",
        "due_on",
        "action",
        "owner",
        "status",
        "done_at",
        "supervision_id",
    ]
    assert list(document["aliases"][0]) == [
        "id",
        "pseudonym",
        "status",
        "themes",
        "also_known_as",
        "knows_me_outside_work",
        "consent_note",
        "limits_explained_on",
        "limits_explained_note",
        "dual_relationships",
        "dual_plan",
        "dual_discussed_on",
        "dual_review_on",
        "notes",
        "created_at",
        "updated_at",
    ]
    assert list(document["confidentiality_events"][0]) == [
        "id",
        "session_id",
        "alias_id",
        "at",
        "occasion",
        "category",
        "limits_explained_before",
        "consulted_role",
        "disclosed_to",
        "disclosed_minimum",
        "reason",
        "person_involvement",
        "person_involvement_note",
        "official_record",
        "outcome",
        "how_it_landed",
        "for_supervision",
        "notes",
    ]
    json.dumps(document)  # serialisable as is


def test_export_import_export_gives_the_same_records(journal: Journal, tmp_path: Path) -> None:
    fill(journal)
    first = export_document(journal)
    raw = json.dumps(first).encode()
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        summary = import_records(other, parse_export(raw))
        assert summary.total_added == 12
        assert records_of(export_document(other)) == records_of(first)
        again = import_records(other, parse_export(raw))
        assert again.total_added == 0 and again.total_unchanged == 12
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
        samples.alias(target, "Existing")
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


# --------------------------------------------------------------------------------------------
# Export format versions: version 1 files import unchanged, forever

V1_FILE = Path(__file__).parent / "fixtures" / "export-v1.json"
V1_EVENT, V1_EMPTY_EVENT = (
    "0b9a2f7e-1c3d-4e5f-8a9b-0c1d2e3f4a06",
    "0b9a2f7e-1c3d-4e5f-8a9b-0c1d2e3f4a07",
)


def test_a_version_1_file_imports_with_defaults_for_the_new_fields(journal: Journal) -> None:
    summary = import_records(journal, parse_export(V1_FILE.read_bytes()))
    assert summary.total_added == 7
    alias = journal.get(Alias, "0b9a2f7e-1c3d-4e5f-8a9b-0c1d2e3f4a01")
    assert alias.also_known_as == [] and alias.limits_explained_note == ""
    assert alias.limits_explained_on == "2026-01-05"
    told = journal.get(ConfidentialityEvent, V1_EVENT)
    # person_told true: told, when not recorded; the rest as written.
    assert told.person_involvement == "told" and told.occasion == "limits_reached"
    assert (told.category, told.consulted_role, told.disclosed_minimum, told.notes) == (
        "risk_to_self",
        "supervisor",
        "risk only",
        "made the call together",
    )
    assert told.limits_explained_before and not told.for_supervision
    assert told.official_record == "" and told.disclosed_to == ""
    # person_told false was an unticked box, not a decision: not recorded.
    assert journal.get(ConfidentialityEvent, V1_EMPTY_EVENT).person_involvement == ""


def test_a_version_1_file_round_trips_through_version_2(journal: Journal, tmp_path: Path) -> None:
    import_records(journal, parse_export(V1_FILE.read_bytes()))
    first = export_document(journal)
    assert first["version"] == 2
    assert "person_told" not in first["confidentiality_events"][0]
    raw = json.dumps(first).encode()
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        import_records(other, parse_export(raw))
        assert records_of(export_document(other)) == records_of(first)
    # Importing the version 1 file again over its own import changes nothing.
    again = import_records(journal, parse_export(V1_FILE.read_bytes()))
    assert again.total_unchanged == 7 and again.total_updated == 0


@pytest.mark.parametrize(
    ("version", "section", "field", "value"),
    [
        (1, "aliases", "also_known_as", ["Riv"]),  # a version 2 field in a version 1 file
        (1, "confidentiality_events", "occasion", "concern"),
        (1, "follow_ups", "supervision_id", None),
        (2, "confidentiality_events", "person_told", True),  # gone in version 2
    ],
)
def test_each_version_accepts_only_its_own_fields(
    journal: Journal, version: int, section: str, field: str, value: object
) -> None:
    document = json.loads(V1_FILE.read_text())
    if version == 2:
        import_records(journal, parse_export(V1_FILE.read_bytes()))
        document = export_document(journal)
    document[section][0][field] = value
    with pytest.raises(ImportFailed, match=f"unknown field '{field}'"):
        parse_export(json.dumps(document).encode())


@pytest.mark.parametrize("version", [0, 3, "2", True, None])
def test_unknown_export_versions_are_refused(version: object) -> None:
    document = json.loads(V1_FILE.read_text())
    document["version"] = version
    with pytest.raises(ImportFailed, match="unsupported export version"):
        parse_export(json.dumps(document).encode())


def test_version_1_person_told_must_be_a_boolean() -> None:
    document = json.loads(V1_FILE.read_text())
    document["confidentiality_events"][0]["person_told"] = "yes"
    with pytest.raises(ImportFailed, match="'person_told' must be true or false"):
        parse_export(json.dumps(document).encode())


def test_version_2_values_are_checked() -> None:
    document = json.loads(V1_FILE.read_text())
    document["version"] = 2
    event = document["confidentiality_events"][0]
    del event["person_told"]
    event["official_record"] = "maybe"
    with pytest.raises(ImportFailed, match="official_record"):
        parse_export(json.dumps(document).encode())


def test_a_version_1_file_has_no_supervisions(journal: Journal) -> None:
    document = json.loads(V1_FILE.read_text())
    document["supervisions"] = []
    with pytest.raises(ImportFailed, match="unknown field 'supervisions'"):
        parse_export(json.dumps(document).encode())
    import_records(journal, parse_export(V1_FILE.read_bytes()))
    assert {f.supervision_id for f in journal.all_records(FollowUp)} == {None}
    assert export_document(journal)["supervisions"] == []


def test_supervisions_import_with_their_actions_and_bring_records_imported_later(
    journal: Journal,
) -> None:
    from peerjournal.core.supervision import agreed_actions, items_for_supervision

    supervision_id, event_id = new_id(), new_id()
    document = {
        "format": "peerjournal-export",
        "version": 2,
        # The event it brought comes in a later section; its action in an earlier one.
        "supervisions": [{"id": supervision_id, "occurred_on": "2026-11-25", "items": [event_id]}],
        "follow_ups": [{"id": new_id(), "due_on": "2026-12-02", "supervision_id": supervision_id}],
        "confidentiality_events": [
            {"id": event_id, "at": "2026-11-20T10:00:00+00:00", "for_supervision": True}
        ],
    }
    import_records(journal, parse_export(json.dumps(document).encode()))
    assert len(agreed_actions(journal, supervision_id)) == 1
    [item] = items_for_supervision(journal, discussed=True)
    assert (item.id, item.discussed_on) == (event_id, "2026-11-25")
    dangling = dict(document, supervisions=[], follow_ups=document["follow_ups"])
    other = Journal.create(journal.home.parent / "other", PASSPHRASE, policy=TEST_POLICY)
    with other, pytest.raises(ImportFailed, match="session or supervision that does not exist"):
        import_records(other, parse_export(json.dumps(dangling).encode()))


def test_the_documented_example_imports(journal: Journal) -> None:
    """docs/export-format.md's example is a complete, valid document."""
    text = (Path(__file__).parent.parent / "docs" / "export-format.md").read_text()
    example = text.split("## Example", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    summary = import_records(journal, parse_export(example.encode()))
    assert summary.added["supervision"] == 1 and summary.added["follow_up"] == 2

"""Boundaries (issue 18): dual relationships with an agreed plan, and boundary events."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from peerjournal.core import schema
from peerjournal.core.boundaries import (
    dual_relationships_needing_plan,
    needing_plan_count,
    needs_plan,
    plan_words,
)
from peerjournal.core.errors import InvalidRecord, JournalError
from peerjournal.core.exchange import export_document, import_records, parse_export
from peerjournal.core.journal import Journal
from peerjournal.core.markdown import EntryFilter, render_markdown
from peerjournal.core.models import Alias, BoundaryEvent, new_id
from peerjournal.core.retention import RetentionSettings, plan_retention, purge
from tests.conftest import PASSPHRASE, TEST_POLICY

TODAY = date(2026, 12, 2)


def _alias(**fields: object) -> Alias:
    return Alias(id=new_id(), pseudonym=str(fields.pop("pseudonym", "River")), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, False),
        ({"knows_me_outside_work": True}, True),
        ({"dual_relationships": ["neighbour"]}, True),
        ({"dual_relationships": ["neighbour"], "dual_plan": "We greet, no more."}, False),
        ({"dual_relationships": ["neighbour"], "dual_plan": "  \n "}, True),
        (
            {"dual_relationships": ["co_worker"], "dual_plan": "p", "dual_review_on": "2026-12-02"},
            False,
        ),
        (
            {"dual_relationships": ["co_worker"], "dual_plan": "p", "dual_review_on": "2026-12-01"},
            True,
        ),
        ({"dual_relationships": ["other"], "status": "closed"}, False),
    ],
)
def test_needs_plan(fields: dict[str, object], expected: bool) -> None:
    assert needs_plan(_alias(**fields), TODAY) is expected


def test_plan_words_are_calm() -> None:
    assert plan_words(_alias(), TODAY) == ""
    assert plan_words(_alias(knows_me_outside_work=True), TODAY) == "needs an agreed plan"
    agreed = _alias(dual_relationships=["neighbour"], dual_plan="p", dual_review_on="2026-11-01")
    assert plan_words(agreed, TODAY) == "plan due for review"
    agreed.dual_review_on = "2027-01-01"
    assert plan_words(agreed, TODAY) == "plan agreed"


def test_journal_counts_and_lists_aliases_needing_a_plan(journal: Journal) -> None:
    journal.save(_alias(pseudonym="Ash"))
    journal.save(_alias(pseudonym="Birch", dual_relationships=["same_fellowship"]))
    journal.save(_alias(pseudonym="Cedar", knows_me_outside_work=True, status="closed"))
    journal.save(
        _alias(
            pseudonym="Elm",
            dual_relationships=["neighbour"],
            dual_plan="p",
            dual_review_on="2026-11-30",
        )
    )
    journal.save(_alias(pseudonym="Fir", dual_relationships=["neighbour"], dual_plan="p"))
    assert [a.pseudonym for a in dual_relationships_needing_plan(journal, TODAY)] == [
        "Birch",
        "Elm",
    ]
    assert needing_plan_count(journal, TODAY) == 2


def test_dual_relationship_fields_are_validated_and_stored(journal: Journal) -> None:
    alias = journal.save(
        _alias(
            dual_relationships=["neighbour", "social_media", "neighbour"],
            dual_plan="Say hello\x1b]0;x\x07 only",
            dual_discussed_on="2026-11-20",
            dual_review_on="2027-02-20",
        )
    )
    stored = journal.get(Alias, alias.id)
    assert stored.dual_relationships == ["neighbour", "social_media"]
    assert stored.knows_me_outside_work  # true whenever there is a dual relationship
    assert "\x1b" not in stored.dual_plan and "\x07" not in stored.dual_plan
    assert stored.dual_review_on == "2027-02-20"
    with pytest.raises(InvalidRecord, match="dual_relationships"):
        journal.save(_alias(pseudonym="Oak", dual_relationships=["landlord"]))
    with pytest.raises(InvalidRecord, match="dual_review_on"):
        journal.save(_alias(pseudonym="Oak", dual_review_on="soon"))


def test_boundary_event_is_an_entry_found_by_search(journal: Journal) -> None:
    alias = journal.save(_alias())
    event = journal.save(
        BoundaryEvent(
            id=new_id(),
            occurred_on="2026-11-30",
            alias_id=alias.id,
            what="gift",
            response="Thanked them and said I could not keep it",
            how_it_sat="Awkward, then fine",
            for_supervision=True,
        )
    )
    assert journal.get_entry(event.id) == event
    (entry,) = journal.timeline(kinds=["boundary_event"]).items
    assert (entry.label, entry.title) == ("Boundary", "gift · for supervision")
    assert "Thanked them" in entry.preview
    assert [hit.id for hit in journal.search("thanked")] == [event.id]
    assert [hit.id for hit in journal.search("gift")] == [event.id]
    assert journal.counts()["boundary_event"] == 1
    before = journal.change_count()
    journal.delete(BoundaryEvent, event.id)
    assert journal.change_count() > before
    assert journal.search("thanked") == []


def test_boundary_event_choices_are_checked(journal: Journal) -> None:
    with pytest.raises(InvalidRecord, match="what"):
        journal.save(BoundaryEvent(id=new_id(), occurred_on="2026-11-30", what="hug"))


def test_migration_keeps_knows_me_outside_work(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = schema.MIGRATIONS.index(schema._V11_BOUNDARIES)
    alias_id = new_id()
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:before])
        patch.setattr(schema, "LATEST_VERSION", before)
        with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as old, old.transaction():
            old.vault.connection.execute(
                "INSERT INTO aliases (id, pseudonym, knows_me_outside_work, created_at, "
                "updated_at) VALUES (?, 'River', 1, '2026-01-01T00:00:00+00:00', "
                "'2026-01-01T00:00:00+00:00')",
                (alias_id,),
            )
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        alias = journal.get(Alias, alias_id)
        assert alias.knows_me_outside_work
        assert alias.dual_relationships == []
        assert alias.dual_plan == ""
        assert alias.dual_discussed_on is None and alias.dual_review_on is None
        assert needs_plan(alias, TODAY)


def _event(alias_id: str | None = None) -> BoundaryEvent:
    return BoundaryEvent(
        id=new_id(),
        occurred_on="2026-11-23",
        alias_id=alias_id,
        what="gift",
        response="thanked them, explained I cannot keep gifts",
        how_it_sat="touched, a little awkward",
        for_supervision=True,
    )


def test_boundary_events_export_and_import_round_trip(journal: Journal, tmp_path: Path) -> None:
    alias = journal.save(
        _alias(
            dual_relationships=["same_fellowship"],
            dual_plan="hello only",
            dual_review_on="2027-01-01",
        )
    )
    journal.save(_event(alias.id))
    first = export_document(journal)
    assert list(first["boundary_events"][0]) == [
        "id",
        "occurred_on",
        "alias_id",
        "what",
        "response",
        "how_it_sat",
        "for_supervision",
        "created_at",
        "updated_at",
    ]
    assert first["aliases"][0]["dual_relationships"] == ["same_fellowship"]
    raw = json.dumps(first).encode()
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        summary = import_records(other, parse_export(raw))
        assert summary.added == {"alias": 1, "boundary_event": 1}
        again = export_document(other)
        assert {k: v for k, v in again.items() if k != "exported_at"} == {
            k: v for k, v in first.items() if k != "exported_at"
        }


def test_version_1_file_keeps_knows_me_outside_work(journal: Journal) -> None:
    raw = json.dumps(
        {
            "format": "peerjournal-export",
            "version": 1,
            "aliases": [
                {
                    "id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01",
                    "pseudonym": "Sky",
                    "knows_me_outside_work": True,
                }
            ],
        }
    ).encode()
    import_records(journal, parse_export(raw))
    alias = journal.get(Alias, "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01")
    assert alias.knows_me_outside_work and alias.dual_relationships == [] and alias.dual_plan == ""


@pytest.mark.parametrize("field", ["dual_plan", "dual_relationships"])
def test_version_1_file_may_not_hold_the_new_fields(journal: Journal, field: str) -> None:
    alias = {"id": "6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01", "pseudonym": "Sky", field: []}
    raw = json.dumps({"format": "peerjournal-export", "version": 1, "aliases": [alias]}).encode()
    with pytest.raises(JournalError, match=field):
        parse_export(raw)
    boundary = {"format": "peerjournal-export", "version": 1, "boundary_events": []}
    with pytest.raises(JournalError):
        parse_export(json.dumps(boundary).encode())


def test_retention_and_markdown_know_boundary_events(journal: Journal) -> None:
    closed = journal.save(
        Alias(
            id=new_id(),
            pseudonym="Oak",
            status="closed",
            dual_relationships=["family_or_friend"],
            dual_plan="I do not see them at family events as their supporter.",
            dual_review_on="2026-03-01",
            created_at="2024-01-01T09:00:00+00:00",
            updated_at="2025-01-10T12:00:00+00:00",
        ),
        keep_times=True,
    )
    theirs = journal.save(_event(closed.id))
    old = journal.save(BoundaryEvent(id=new_id(), occurred_on="2023-05-01", what="money"))
    by_alias = plan_retention(journal, RetentionSettings(closed_alias_months=12), today=TODAY)
    assert [(item.id, item.kind) for item in by_alias.items] == [(theirs.id, "boundary_event")]
    by_age = plan_retention(journal, RetentionSettings(entry_months=24), today=TODAY)
    assert [item.id for item in by_age.items] == [old.id]
    assert purge(journal, by_age.items) == {"boundary_event": 1}

    document = render_markdown(journal, EntryFilter()).document
    assert "Boundary event with Oak" in document
    assert "- What: gift" in document and "- For supervision" in document
    assert "### What I did" in document or "## What I did" in document
    assert "How it sat with me" in document
    assert "Dual relationship: family or friend link" in document
    assert "Plan to be reviewed on 2026-03-01" in document
    assert "I do not see them at family events" in document


def test_the_documented_example_imports(journal: Journal) -> None:
    text = (Path(__file__).parents[1] / "docs" / "export-format.md").read_text()
    example = next(block for block in text.split("```json\n")[1:] if '"boundary_events"' in block)
    document = json.loads(example.split("```")[0])
    summary = import_records(journal, parse_export(json.dumps(document).encode()))
    assert summary.added["boundary_event"] == 1
    assert journal.all_records(Alias)[0].dual_relationships == ["same_fellowship"]


def test_a_backup_made_before_a_kind_existed_still_verifies(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup of an older schema lacks the newer kinds' tables: it counts none of them
    (here a kind that no backup has a table for stands in for boundary events)."""
    from peerjournal.core import backup as backup_module
    from peerjournal.core.backup import create_backup, verify_backup

    journal.save(_alias())
    made = tmp_path / "j.pjbackup"
    create_backup(journal, made)

    class Later(BoundaryEvent):
        KIND = "later_kind"
        TABLE = "later_kinds"

    monkeypatch.setattr(backup_module, "BY_KIND", {**backup_module.BY_KIND, "later_kind": Later})
    counts = verify_backup(made, PASSPHRASE, policy=TEST_POLICY).counts
    assert counts["alias"] == 1 and counts["later_kind"] == 0

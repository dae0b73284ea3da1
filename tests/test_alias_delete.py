"""Deleting an alias (issue 16): one with no entries goes; one with entries leaves them,
marked "alias deleted N", and nothing else of the alias stays in the journal."""

from __future__ import annotations

import json
from pathlib import Path

from peerjournal.core.exchange import export_document, import_records, parse_export
from peerjournal.core.journal import Deleted, Journal
from peerjournal.core.models import Alias, FollowUp, Reflection, Session, new_id
from tests.conftest import PASSPHRASE, TEST_POLICY


def _alias_with_entries(journal: Journal, name: str) -> tuple[Alias, Session]:
    alias = journal.save(
        Alias(
            id=new_id(),
            pseudonym=name,
            themes=["housing"],
            also_known_as=[name[:3] + "ie"],
            knows_me_outside_work=True,
            consent_note=f"{name} agreed to notes",
            limits_explained_on="2026-11-01",
            notes=f"{name} likes the garden",
        )
    )
    session = journal.save(
        Session(id=new_id(), alias_id=alias.id, occurred_at="2026-11-20T10:00:00+00:00", notes="n")
    )
    journal.save(
        Reflection(id=new_id(), occurred_on="2026-11-21", session_id=session.id, body="thinking")
    )
    journal.save(
        FollowUp(
            id=new_id(),
            alias_id=alias.id,
            session_id=session.id,
            due_on="2026-11-27",
            action="call back",
        )
    )
    return alias, session


def _everything_stored(journal: Journal) -> str:
    """Every value of every table (FTS shadow tables and drafts included), as text."""
    conn = journal._conn
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return "\n".join(
        repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')
    )


def test_an_alias_with_no_entries_is_deleted_and_can_be_undone(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="Quill"))
    deleted = journal.delete_alias(alias.id)
    assert isinstance(deleted, Deleted)
    assert not journal.exists(Alias, alias.id)
    journal.restore_deleted(deleted)
    assert journal.get(Alias, alias.id).pseudonym == "Quill"


def test_an_alias_with_entries_leaves_them_marked_and_its_name_gone(journal: Journal) -> None:
    alias, session = _alias_with_entries(journal, "Riverstone")
    journal.save_draft(f"alias:{alias.id}", "alias", {"pseudonym": "Riverstone"})
    placeholder = journal.delete_alias(alias.id)
    assert isinstance(placeholder, Alias)
    assert placeholder.pseudonym == "alias deleted 1" and placeholder.status == "deleted"
    stored = journal.get(Alias, alias.id)
    assert stored == placeholder
    assert (stored.themes, stored.also_known_as, stored.notes, stored.consent_note) == (
        [],
        [],
        "",
        "",
    )
    assert not stored.knows_me_outside_work and stored.limits_explained_on is None
    # The entries stay, linked, and show the mark wherever an alias's name is shown.
    assert journal.alias_entry_count(alias.id) == 3
    assert journal.get(Session, session.id).alias_id == alias.id
    assert journal.alias_names()[alias.id] == "alias deleted 1"
    assert [item.alias for item in journal.timeline().items] == ["alias deleted 1"] * 2
    # It is no longer an alias anyone picks, and the pseudonym is nowhere in the journal.
    assert alias.id not in {a.id for a in journal.list_aliases()}
    everything = _everything_stored(journal)
    for word in ("Riverstone", "Rivie", "garden", "agreed"):
        assert word not in everything
    # A second one gets the next number; deleting a placeholder again changes nothing.
    other, _ = _alias_with_entries(journal, "Oakhill")
    assert journal.delete_alias(other.id).pseudonym == "alias deleted 2"  # type: ignore[union-attr]
    assert journal.delete_alias(alias.id) == stored


def test_a_deleted_alias_survives_an_export_and_import(journal: Journal, tmp_path: Path) -> None:
    alias, _ = _alias_with_entries(journal, "Riverstone")
    journal.delete_alias(alias.id)
    first = export_document(journal)
    assert [(a["pseudonym"], a["status"]) for a in first["aliases"]] == [
        ("alias deleted 1", "deleted")
    ]
    assert "Riverstone" not in json.dumps(first)
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        import_records(other, parse_export(json.dumps(first).encode()))
        again = export_document(other)
        assert {k: v for k, v in again.items() if k != "exported_at"} == {
            k: v for k, v in first.items() if k != "exported_at"
        }
        assert other.list_aliases() == []
        assert other.alias_names()[alias.id] == "alias deleted 1"


def test_the_markdown_export_shows_the_mark_and_no_name(journal: Journal) -> None:
    from peerjournal.core.markdown import EntryFilter, render_markdown

    alias, _ = _alias_with_entries(journal, "Riverstone")
    journal.delete_alias(alias.id)
    document = render_markdown(journal, EntryFilter()).document
    assert "alias deleted 1" in document
    assert "Riverstone" not in document
    # Not an alias of its own any more: no section for it among the aliases.
    assert "## alias deleted 1" not in document and "# alias deleted 1" not in document

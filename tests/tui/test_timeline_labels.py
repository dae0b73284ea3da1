"""The app's lists write an entry's label and title side by side, as the core gives them: the
kind once, never twice ("Session · Session · …"), and a confidentiality event by its occasion."""

from __future__ import annotations

from datetime import date

from peerjournal.core.journal import Journal
from peerjournal.core.retention import RetentionSettings, plan_retention
from peerjournal.core.wellbeing import WellbeingSummary
from peerjournal.tui.screens import aliases, retention
from peerjournal.tui.screens.search import hit_content
from peerjournal.tui.screens.wellbeing import on_this_day_text
from tests.samples import every_kind

KINDS = ["session", "reflection", "follow_up", "checkin", "confidentiality_event"]
KINDS += ["debrief", "supervision", "boundary_event"]


def test_search_hits_say_the_kind_once(journal: Journal) -> None:
    every_kind(journal, "marker", event={"occasion": "concern"})
    hits = journal.search("marker")
    assert len(hits) == len(KINDS)
    for hit in hits:
        shown = hit_content(hit).plain.split("\n")[0]
        assert shown.startswith(hit.label + "  "), shown
        assert shown.endswith(" · " + hit.title), shown
        assert shown.count(hit.label) == 1, shown
    concern = next(hit for hit in hits if hit.kind == "confidentiality_event")
    assert hit_content(concern).plain.startswith("Concern  ")


def test_retention_rows_say_the_kind_once(journal: Journal) -> None:
    every_kind(journal, "marker")
    settings = RetentionSettings(entry_months=1)
    plan = plan_retention(journal, settings, today=date(2099, 1, 1))
    assert len(plan.items) == len(KINDS)
    for item in plan.items:
        shown = retention.item_content(item).plain.split("\n")[0]
        assert f"  {item.label} · {item.title}" in shown, shown
        assert shown.count(f"{item.label} · ") == 1, shown


def test_alias_history_rows_name_the_kind_beside_the_text(journal: Journal) -> None:
    made = every_kind(journal, "marker")
    others = journal.timeline(alias_id=made.alias.id, kinds=aliases.OTHER_KINDS).items
    assert {item.label for item in others} == {"Reflection", "Boundary"}
    for item in others:
        assert f"  {item.label}  marker" in aliases.item_content(item).plain


def test_on_this_day_puts_the_label_before_the_title(journal: Journal) -> None:
    every_kind(journal, "marker")
    items = journal.timeline(kinds=KINDS).items
    summary = WellbeingSummary(date(2026, 12, 2), [], [], None, None, items, date(2025, 12, 2))
    lines = on_this_day_text(summary).plain.split("\n")
    assert len(lines) == len(KINDS)
    for item, line in zip(items, lines, strict=True):
        assert f"{item.label} · {item.title}" in line, line
    assert any("Reflection · After River · for supervision" in line for line in lines)

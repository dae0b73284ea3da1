"""RetentionScreen: the saved periods, exactly what they would purge, and a purge that only
happens after an explicit yes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static

from peerjournal.core.errors import StorageFull
from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, FollowUp, Session, new_id
from peerjournal.core.retention import RetentionSettings, retention_settings, set_retention
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.screens.retention import (
    MAX_SHOWN,
    SAVE_HINT,
    RetentionScreen,
    parse_months,
    plan_options,
    plan_status,
)
from tests.conftest import files_under
from tests.tui.form_helpers import HOSTILE, HOSTILE_STORED
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle, wait_for_screen, wait_until

SIZE = (100, 32)


def days_ago(days: int) -> str:
    return (datetime.now().astimezone() - timedelta(days=days)).isoformat(timespec="seconds")


@dataclass
class Data:
    oak: Alias
    oak_session: Session
    oak_follow_up: FollowUp
    ash_session: Session


@pytest.fixture
def data(journal: Journal) -> Data:
    """Oak closed two years ago (its last change), with a session and a follow-up; Ash active
    with a session three years old. Closed aliases' records go after 12 months."""
    oak = journal.save(
        Alias(
            id=new_id(),
            pseudonym="Oak",
            status="closed",
            created_at=days_ago(1000),
            updated_at=days_ago(730),
        ),
        keep_times=True,
    )
    ash = journal.save(Alias(id=new_id(), pseudonym="Ash"))
    oak_session = journal.save(
        Session(id=new_id(), alias_id=oak.id, occurred_at=days_ago(800), goal_focus=HOSTILE)
    )
    oak_follow_up = journal.save(
        FollowUp(
            id=new_id(),
            alias_id=oak.id,
            due_on=(date.today() - timedelta(days=790)).isoformat(),
            action="ring the housing office",
        )
    )
    ash_session = journal.save(
        Session(id=new_id(), alias_id=ash.id, occurred_at=days_ago(1100), goal_focus="ashmarker")
    )
    set_retention(journal, RetentionSettings(closed_alias_months=12))
    return Data(oak, oak_session, oak_follow_up, ash_session)


def text_of(app: HarnessApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).content)


def listed(app: HarnessApp) -> list[str]:
    listing = app.screen.query_one("#purge-list", OptionList)
    return [
        listing.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
        for i in range(listing.option_count)
    ]


def purge_button(app: HarnessApp) -> Button:
    return app.screen.query_one("#purge", Button)


async def ask_to_purge(app: HarnessApp, pilot: Pilot[Any]) -> ConfirmScreen:
    await pilot.click("#purge")
    dialog = await wait_for_screen(pilot, ConfirmScreen)
    assert isinstance(dialog, ConfirmScreen)
    return dialog


async def result_says(app: HarnessApp, pilot: Pilot[Any], words: str) -> None:
    await wait_until(pilot, lambda: words in text_of(app, "retention-result"), repr(words))
    await settle(app, pilot)


def test_months_are_whole_numbers_in_range_or_blank() -> None:
    assert parse_months(" ", "Entries") is None
    assert parse_months("12", "Entries") == 12
    for bad in ("0", "1201", "-3", "1.5"):
        with pytest.raises(ValueError, match="Entries: enter months from 1 to 1200"):
            parse_months(bad, "Entries")


async def test_the_saved_periods_and_exactly_what_they_would_purge(
    journal: Journal, data: Data
) -> None:
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.id == "retention"
        assert app.screen.query_one("#retention-closed", Input).value == "12"
        assert app.screen.query_one("#retention-entries", Input).value == ""
        assert text_of(app, "retention-current") == (
            "Now: records of closed aliases after 12 months; any entry off."
        )
        assert text_of(app, "retention-status") == (
            "2 entries would be purged today: 1 session, 1 follow-up."
        )
        lines = listed(app)
        assert lines[0].startswith("Because Oak was closed")
        assert len(lines) == 3
        session_line = next(line for line in lines if "Session" in line)
        assert "Oak" in session_line
        assert HOSTILE_STORED.split(" a lone")[0] in session_line  # markup stays words
        assert any("ring the housing office" in line for line in lines)
        assert not any("ashmarker" in line or "Ash" in line for line in lines)  # Ash's stay
        button = purge_button(app)
        assert str(button.label) == "Purge 2 entries permanently"
        assert not button.disabled
        assert app.is_running


async def test_purge_happens_only_after_an_explicit_yes(
    journal: Journal, data: Data, tmp_path: Path
) -> None:
    names_before = set(files_under(tmp_path))
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dialog = await ask_to_purge(app, pilot)
        question = str(dialog.query_one(".dialog-text", Static).content)
        assert question.startswith("Purge 2 entries permanently? 1 session, 1 follow-up.")
        assert dialog.query_one("#yes", Button).variant == "error"
        assert dialog.focused is not None and dialog.focused.id == "no"
        await pilot.press("enter")  # the default answer: Cancel
        await result_says(app, pilot, "Nothing was purged.")
        assert journal.exists(Session, data.oak_session.id)
        assert journal.exists(FollowUp, data.oak_follow_up.id)

        await ask_to_purge(app, pilot)
        await pilot.press("escape")
        await result_says(app, pilot, "Nothing was purged.")
        assert journal.exists(Session, data.oak_session.id)

        await ask_to_purge(app, pilot)
        await pilot.click("#yes")
        await result_says(app, pilot, "Purged 2 entries: 1 session, 1 follow-up.")
        await wait_until(
            pilot, lambda: text_of(app, "retention-status") == "Nothing to purge.", "re-plan"
        )
        assert not app.screen.query_one("#purge-list", OptionList).display
        assert purge_button(app).disabled
        assert str(purge_button(app).label) == "Nothing to purge"
    assert not journal.exists(Session, data.oak_session.id)
    assert not journal.exists(FollowUp, data.oak_follow_up.id)
    assert journal.exists(Session, data.ash_session.id)
    assert journal.exists(Alias, data.oak.id)  # the alias itself stays
    # No file written anywhere but the journal's next generation, which replaced the old one
    # (Journal.compact).
    assert journal.vault.header.generation == 2
    renamed = {p.with_name(p.name.replace("journal-1.db", "journal-2.db")) for p in names_before}
    assert set(files_under(tmp_path)) == renamed


async def test_a_purge_whose_compaction_fails_says_so_and_shows_the_new_plan(
    journal: Journal, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full() -> None:
        raise StorageFull()

    monkeypatch.setattr(journal.vault, "rewrite", disk_full)
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await ask_to_purge(app, pilot)
        await pilot.click("#yes")
        await result_says(app, pilot, "Purged 2 entries, but the journal file could not be made")
        await wait_until(
            pilot, lambda: text_of(app, "retention-status") == "Nothing to purge.", "re-plan"
        )
        assert purge_button(app).disabled
    assert not journal.exists(Session, data.oak_session.id)


async def test_new_periods_are_saved_then_planned_and_purge_waits_for_the_save(
    journal: Journal, data: Data
) -> None:
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        field = app.screen.query_one("#retention-entries", Input)
        field.focus()
        await pilot.press("2", "4")
        await pilot.pause()
        assert purge_button(app).disabled  # the list shows the saved periods, not these
        assert text_of(app, "retention-result") == SAVE_HINT
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "3 entries" in text_of(app, "retention-status"), "the new plan"
        )
        await settle(app, pilot)
        assert text_of(app, "retention-result") == "Saved."
        assert not purge_button(app).disabled
        assert any("Because dated before" in line for line in listed(app))
    assert retention_settings(journal) == RetentionSettings(12, 24)


async def test_retention_off_and_bad_periods(journal: Journal, data: Data) -> None:
    set_retention(journal, RetentionSettings())
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert text_of(app, "retention-status").startswith("Retention is off")
        assert purge_button(app).disabled
        app.screen.query_one("#retention-closed", Input).value = "0"
        await pilot.press("ctrl+s")
        await result_says(app, pilot, "Closed aliases: enter months from 1 to 1200")
        assert app.screen.query_one("#retention-result", Static).has_class("-error")
    assert retention_settings(journal) == RetentionSettings()


async def test_empty_plan_says_nothing_to_purge(journal: Journal) -> None:
    set_retention(journal, RetentionSettings(entry_months=6))
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert text_of(app, "retention-status") == "Nothing to purge."
        assert purge_button(app).disabled


async def test_leaving_with_unsaved_periods_asks(journal: Journal, data: Data) -> None:
    app = HarnessApp(lambda: RetentionScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#retention-closed", Input).value = "3"
        await pilot.pause()
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen.id == "retention"
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.click("#yes")
        await pilot.pause()
        assert app.results == [None]
    assert retention_settings(journal) == RetentionSettings(closed_alias_months=12)


def test_a_long_plan_is_listed_up_to_a_bound_and_counted_in_full() -> None:
    from peerjournal.core.retention import PurgeItem, RetentionPlan

    items = tuple(
        PurgeItem(
            str(i), "checkin", "2020-01-01T10:00:00+00:00", "Check-in", "mood 3", "", None, "old"
        )
        for i in range(MAX_SHOWN + 5)
    )
    plan = RetentionPlan(RetentionSettings(entry_months=1), date(2026, 1, 1), items)
    options = plan_options(plan)
    assert len(options) == MAX_SHOWN + 2  # one heading, MAX_SHOWN items, one "and 5 more"
    assert str(options[-1].prompt).startswith("…and 5 more")
    assert plan_status(plan).startswith(f"{MAX_SHOWN + 5} entries would be purged")

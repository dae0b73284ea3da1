"""My wellbeing: opened with `w` and from the palette, periods, numbers beside the bars, the
strain notice and its setting, "On this day", and the timeline's "Last check-in" line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Static, Tabs

from peerjournal.core.journal import Journal
from peerjournal.core.models import CheckIn, Session, new_id
from peerjournal.core.wellbeing import ON_THIS_DAY_SETTING, STRAIN_NOTICE_SETTING
from peerjournal.tui.app import PeerJournalApp, _journal_commands
from peerjournal.tui.screens.settings import SettingsScreen
from peerjournal.tui.screens.wellbeing import WellbeingScreen
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import unlock
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle

MARKUP = "[bold]loud[/bold] and [@click=app.quit]x[/]"  # words, never markup
TODAY = date(2026, 11, 27)  # a Friday; this week starts on Monday 23 November
SIZE = (100, 40)


@pytest.fixture(autouse=True)
def _utc(utc: None) -> None:
    """Every test here reads times in UTC."""


def add_checkin(
    journal: Journal, day: date, stress: int = 2, note: str = "", mood: int = 4
) -> None:
    journal.save(
        CheckIn(
            id=new_id(),
            at=f"{day.isoformat()}T20:00:00+00:00",
            mood=mood,
            energy=3,
            stress=stress,
            self_care=note,
        )
    )


def text_of(app: object, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).content)  # type: ignore[attr-defined]


def strained(journal: Journal) -> Journal:
    """Seven check-ins this week and last, six of them with stress 4 or 5."""
    for index, stress in enumerate((5, 4, 4, 2, 5, 4, 5)):
        add_checkin(journal, TODAY - timedelta(days=index), stress=stress, note="early night")
    journal.save(Session(id=new_id(), occurred_at="2026-11-24T10:00:00+00:00", duration_min=45))
    return journal


async def test_w_opens_my_wellbeing_with_numbers_beside_the_bars(existing_home: Path) -> None:
    with Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY) as journal:
        add_checkin(journal, TODAY, mood=4, note=MARKUP)
        add_checkin(journal, TODAY - timedelta(days=1), mood=3, note="Walk, early night")
        add_checkin(journal, TODAY - timedelta(days=14), mood=2, note="early night")
    app = PeerJournalApp(existing_home, policy=TEST_POLICY, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, WellbeingScreen)
        trend = text_of(app, "wellbeing-trend")
        mood_line = trend.splitlines()[0]
        assert mood_line.split()[1].endswith("▃·▅") and "3.50" in mood_line  # this week 3.50
        assert "check-ins" in trend
        table = app.screen.query_one(DataTable)
        assert table.row_count == 12
        assert [str(cell) for cell in table.get_row_at(0)[:5]] == [
            "23 Nov 2026",
            "2",
            "3.50",
            "3.00",
            "2.00",
        ]
        assert [str(cell) for cell in table.get_row_at(1)[:3]] == ["16 Nov 2026", "0", "–"]
        self_care = text_of(app, "wellbeing-self-care")
        assert self_care.splitlines()[0] == "early night  ×2"
        assert MARKUP in self_care.splitlines()  # the person's words, literally
        assert not app.screen.query_one("#wellbeing-notice").has_class("-shown")
        # Another period: p, and the tabs follow.
        await pilot.press("p")
        await settle(app, pilot)
        assert table.row_count == 52
        assert app.screen.query_one(Tabs).active == "weeks-52"
        await pilot.press("p")
        await settle(app, pilot)
        assert table.row_count == 4
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "timeline"


async def test_the_palette_offers_my_wellbeing(existing_home: Path) -> None:
    app = PeerJournalApp(existing_home, policy=TEST_POLICY, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        assert "My wellbeing" in {command.title for command in _journal_commands(app)}
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"My wellbeing")
        await settle(app, pilot)
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WellbeingScreen)


async def test_strain_notice_is_one_calm_line_and_can_be_turned_off(journal: Journal) -> None:
    strained(journal)
    app = HarnessApp(lambda: WellbeingScreen(journal))
    app.today = lambda: TODAY  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        notice = app.screen.query_one("#wellbeing-notice", Static)
        assert notice.has_class("-shown") and notice.display
        text = str(notice.content)
        assert text.startswith("Stress was 4 or 5 in 6 of your last 7 check-ins.")
        assert "supervision" in text.lower() and "assistance programme" in text
        assert "burn" not in text.lower()
    journal.set_setting(STRAIN_NOTICE_SETTING, False)
    again = HarnessApp(lambda: WellbeingScreen(journal))
    again.today = lambda: TODAY  # type: ignore[attr-defined]
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        notice = again.screen.query_one("#wellbeing-notice", Static)
        assert not notice.has_class("-shown") and not notice.display


async def test_on_this_day_panel_and_its_setting(journal: Journal) -> None:
    add_checkin(journal, date(2025, 11, 27), note="a year ago")
    app = HarnessApp(lambda: WellbeingScreen(journal))
    app.today = lambda: TODAY  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "20:00 Check-in · mood 4" in text_of(app, "wellbeing-on-this-day")
        assert "27 Nov 2025" in text_of(app, "on-this-day-heading")
    journal.set_setting(ON_THIS_DAY_SETTING, False)
    again = HarnessApp(lambda: WellbeingScreen(journal))
    again.today = lambda: TODAY  # type: ignore[attr-defined]
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert not again.screen.query_one("#on-this-day-panel").display


async def test_settings_turn_the_wellbeing_notices_off(journal: Journal) -> None:
    app = HarnessApp(lambda: SettingsScreen(journal))
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(app, pilot)
        strain = app.screen.query_one("#strain-notice", Checkbox)
        year_ago = app.screen.query_one("#on-this-day", Checkbox)
        assert strain.value and year_ago.value  # on by default
        strain.value = False
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert journal.setting(STRAIN_NOTICE_SETTING) is False
    assert journal.setting(ON_THIS_DAY_SETTING) is True


@pytest.mark.parametrize(("days", "shown"), [(9, True), (3, False)])
async def test_timeline_header_says_when_the_last_check_in_was(
    existing_home: Path, days: int, shown: bool
) -> None:
    with Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY) as journal:
        add_checkin(journal, TODAY - timedelta(days=days))
    app = PeerJournalApp(existing_home, policy=TEST_POLICY, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        title = text_of(app, "title-bar")
        assert ("Last check-in: 9 days ago" in title) is shown
        assert "Last check-in" in title or not shown

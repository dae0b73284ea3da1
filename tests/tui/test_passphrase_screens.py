"""Choosing a passphrase in the app (review finding 2026-12, item 2; issue 16's rules).

The create screen says the rules before anything is typed, explains a weak passphrase in words
(the estimator's warning and the time to guess) and will not create a journal with it; the
change-passphrase screen (Settings) applies the same rule and needs the current passphrase;
unlocking a journal whose passphrase the rule now refuses says so once per run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from peerjournal.core.errors import WrongPassphrase
from peerjournal.core.journal import Journal
from peerjournal.core.passphrase import PASSPHRASE_RULES
from peerjournal.tui.safety import PasswordInput
from peerjournal.tui.screens.passphrase import NOT_ACCEPTED, ChangePassphraseScreen
from peerjournal.tui.screens.settings import SettingsScreen
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app, unlock
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle, wait_for_screen, wait_until

WEAK = "Summer2026!!"  # accepted and rated "good" before the review


def text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_create_screen_says_the_rules_and_refuses_a_weak_passphrase(
    home: Path,
) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.id == "create"
        rules = text(app, "#rules")
        assert "at least 12 characters" in rules and rules == f"Rules: {PASSPHRASE_RULES}"
        await pilot.press(*WEAK)  # typed, key by key, as a person would
        await settle(app, pilot)
        meter = text(app, "#strength")
        assert meter.startswith("Strength: not strong enough.")
        assert "cracking tools try early" in meter and "to guess" not in meter.split(".")[0]
        assert "a guess on this computer" in meter
        app.screen.query_one("#repeat", PasswordInput).value = WEAK
        await pilot.click("#create-button")
        await settle(app, pilot)
        assert app.screen.id == "create"
        assert text(app, ".gate-status") == NOT_ACCEPTED
        # Nothing overflows at 80x24 once the strength text is there: the button is on screen.
        button = app.screen.query_one("#create-button", Button)
        assert button.region.bottom <= 23 and app.screen.query_one(".gate").region.y >= 0
        assert app.screen.query_one(".gate").max_scroll_y == 0
    assert not home.exists()


async def test_a_strong_passphrase_says_centuries_and_creates(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 36)) as pilot:
        first = app.screen.query_one("#passphrase", PasswordInput)
        first.value = "quiet harbour lantern morning"
        await settle(app, pilot)
        assert "Strength: strong." in text(app, "#strength")
        assert "would take centuries to guess" in text(app, "#strength")
        app.screen.query_one("#repeat", PasswordInput).value = "quiet harbour lantern morning"
        await pilot.click("#create-button")
        await settle(app, pilot)
        assert app.screen.id == "timeline"


async def test_unlocking_with_a_weak_passphrase_says_so_once_per_run(home: Path) -> None:
    Journal.create(home, WEAK, policy=TEST_POLICY).close()
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot, WEAK)
        assert app.screen.id == "timeline"
        notices = [n for n in app._notifications if "easier to guess" in n.message]
        assert len(notices) == 1
        assert "Settings" in notices[0].message and "peerjournal passwd" in notices[0].message
        assert WEAK not in notices[0].message
        app.action_lock()
        await settle(app, pilot)
        assert app.screen.id == "unlock"
        await unlock(app, pilot, WEAK)
        assert app.screen.id == "timeline"
        said = [n for n in app._notifications if "easier to guess" in n.message]
        assert said == []  # locking cleared the first; it is not said again after a lock


async def test_unlocking_with_a_strong_passphrase_says_nothing(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        assert not [n for n in app._notifications if "easier to guess" in n.message]


async def fill_change(
    app: HarnessApp, pilot: Pilot[Any], current: str, new: str, repeat: str | None = None
) -> None:
    screen = app.screen
    screen.query_one("#current", PasswordInput).value = current
    screen.query_one("#new", PasswordInput).value = new
    await settle(app, pilot)
    screen.query_one("#repeat", PasswordInput).value = new if repeat is None else repeat
    screen.query_one("#repeat", PasswordInput).focus()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_the_change_screen_applies_the_same_rule(journal: Journal) -> None:
    app = HarnessApp(lambda: ChangePassphraseScreen(journal, TEST_POLICY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "at least 12 characters" in text(app, "#rules")
        await fill_change(app, pilot, PASSPHRASE, WEAK)
        assert "not strong enough" in text(app, "#strength")
        assert text(app, ".gate-status") == NOT_ACCEPTED
        await fill_change(app, pilot, "not the passphrase at all", OTHER_PASSPHRASE)
        assert "current passphrase is not right" in text(app, ".gate-status")
        assert app.results == []
        await fill_change(app, pilot, PASSPHRASE, OTHER_PASSPHRASE)
        await wait_until(pilot, lambda: app.results == [True], "the change")
    journal.close()
    with pytest.raises(WrongPassphrase):
        Journal.open(journal.home, PASSPHRASE, policy=TEST_POLICY)
    Journal.open(journal.home, OTHER_PASSPHRASE, policy=TEST_POLICY).close()


async def test_settings_opens_the_change_screen(journal: Journal) -> None:
    app = HarnessApp(lambda: SettingsScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#change-passphrase", Button).press()
        screen = await wait_for_screen(pilot, ChangePassphraseScreen)
        assert screen.focused is not None and screen.focused.id == "current"
        await pilot.press("escape")
        await wait_for_screen(pilot, SettingsScreen)

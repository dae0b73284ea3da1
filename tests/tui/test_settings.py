"""SettingsScreen: idle lock and retention saved in the journal, read back, applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from peerjournal.core.journal import Journal
from peerjournal.core.kdf import KdfParams
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.screens.settings import (
    IDLE_KEY,
    RETENTION_CLOSED_ALIAS_KEY,
    RETENTION_ENTRY_KEY,
    Settings,
    SettingsScreen,
    kdf_description,
)
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle


class IdleHarness(HarnessApp):
    """Has the attribute the real app uses for its idle timeout."""

    idle_seconds = 300.0


def field(app: HarnessApp, widget_id: str) -> Input:
    return app.screen.query_one(f"#{widget_id}", Input)


def static_text(app: HarnessApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).content)


async def set_values(app: HarnessApp, pilot: Any, idle: str, closed: str, entries: str) -> None:
    field(app, "idle-minutes").value = idle
    field(app, "retention-closed-alias").value = closed
    field(app, "retention-entries").value = entries
    await pilot.pause()


def test_kdf_description() -> None:
    assert kdf_description(KdfParams(65536, 3, 4)) == ("Argon2id, 64 MiB memory, 3 passes, 4 lanes")
    assert kdf_description(KdfParams(512, 1, 1)) == "Argon2id, 512 KiB memory, 1 pass, 1 lane"


async def test_defaults_and_where_the_journal_lives(journal: Journal) -> None:
    app = HarnessApp(lambda: SettingsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.id == "settings"
        assert field(app, "idle-minutes").value == "5"
        assert field(app, "retention-closed-alias").value == ""
        assert field(app, "retention-entries").value == ""
        location = static_text(app, "settings-location")
        assert str(journal.home) in location
        assert kdf_description(journal.vault.header.params) in location
        texts = " ".join(str(s.content) for s in app.screen.query(Static))
        assert "Retention & purge" in texts


async def test_saved_settings_are_stored_applied_and_read_back(journal: Journal) -> None:
    app = IdleHarness(lambda: SettingsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await set_values(app, pilot, "15", "12", "36")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.id != "settings"
        assert app.results == [Settings(15, 12, 36)]
        assert app.idle_seconds == 15 * 60
    assert journal.setting(IDLE_KEY) == 15
    assert journal.setting(RETENTION_CLOSED_ALIAS_KEY) == 12
    assert journal.setting(RETENTION_ENTRY_KEY) == 36

    again = HarnessApp(lambda: SettingsScreen(journal))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        assert field(again, "idle-minutes").value == "15"
        assert field(again, "retention-closed-alias").value == "12"
        assert field(again, "retention-entries").value == "36"
        # Blank turns a retention period off again.
        await set_values(again, pilot, "15", "", "36")
        await pilot.press("ctrl+s")
        await settle(again, pilot)
    assert journal.setting(RETENTION_CLOSED_ALIAS_KEY, "missing") is None
    assert journal.setting(RETENTION_ENTRY_KEY) == 36


async def test_out_of_range_values_are_explained_and_not_saved(journal: Journal) -> None:
    app = HarnessApp(lambda: SettingsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for idle, closed, message in (
            ("0", "", "Idle lock: enter a number from 1 to 120."),
            ("121", "", "Idle lock: enter a number from 1 to 120."),
            ("", "", "Idle lock: enter a number from 1 to 120."),
            ("10", "0", "Closed aliases: enter a number from 1 to 1200."),
        ):
            await set_values(app, pilot, idle, closed, "")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen.id == "settings"
            assert static_text(app, "settings-error") == message
    assert journal.setting(IDLE_KEY) is None


async def test_escape_asks_only_when_something_changed(journal: Journal) -> None:
    app = HarnessApp(lambda: SettingsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await set_values(app, pilot, "30", "", "")
        await pilot.press("escape")
        await pilot.pause()  # the leave worker waits for the answer
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen.id == "settings"
        await set_values(app, pilot, "5", "", "")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id != "settings"
        assert app.results == [None]
    assert journal.setting(IDLE_KEY) is None


async def test_a_journal_folder_with_markup_in_its_name_is_shown_literally(
    tmp_path: Path,
) -> None:
    home = tmp_path / "[@click=app.quit]x[/] [bold]"
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        app = HarnessApp(lambda: SettingsScreen(journal))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            assert app.is_running
            assert "[@click=app.quit]x[/] [bold]" in static_text(app, "settings-location")

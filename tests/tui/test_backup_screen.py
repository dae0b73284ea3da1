"""BackupScreen: back up now (verified, no silent overwrite), automatic backup settings, and
the plaintext export that asks first (Cancel by default) and writes one 0600 file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, LoadingIndicator, Select, Static

from peerjournal.core.backup import (
    AutoBackupSettings,
    auto_backup_settings,
    set_auto_backup,
    verify_backup,
)
from peerjournal.core.journal import Journal
from peerjournal.tui.screens.backup import (
    PLAINTEXT_WARNING,
    AutoBackupOutcome,
    BackupScreen,
    describe_counts,
    take_auto_backup,
)
from peerjournal.tui.screens.dialogs import ConfirmScreen
from tests import samples
from tests.conftest import PASSPHRASE, TEST_POLICY, files_under
from tests.tui.form_helpers import HOSTILE, HOSTILE_STORED
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle, wait_for_screen, wait_until

SIZE = (100, 32)


@pytest.fixture
def filled(journal: Journal) -> Journal:
    alias = samples.alias(journal)
    samples.session(
        journal,
        alias_id=alias.id,
        occurred_at="2026-11-20T14:00:00+01:00",
        goal_focus="find a quiet place " + HOSTILE,
    )
    return journal


@pytest.fixture
def out(tmp_path: Path, private_tmpdir: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file below `folder` with its bytes (the journal's own files by name only: reading
    the journal touches its WAL index)."""
    return {
        path: b"" if path.parent.name == "journal" else path.read_bytes()
        for path in files_under(folder)
    }


def new_files(before: dict[Path, bytes], folder: Path) -> set[Path]:
    return set(files_under(folder)) - set(before)


def text_of(app: HarnessApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).content)


async def run_section(app: HarnessApp, pilot: Pilot[Any], field_id: str, value: str) -> None:
    """Type a value into a section's field and press Enter there, as a person would."""
    field = app.screen.query_one(f"#{field_id}", Input)
    field.value = value
    field.focus()
    await pilot.pause()
    await pilot.press("enter")


async def finished(app: HarnessApp, pilot: Pilot[Any], result_id: str) -> str:
    """Wait until the section's worker is done and its result line says something final."""
    await wait_until(
        pilot,
        lambda: text_of(app, result_id) not in ("", "Writing and verifying the backup…"),
        result_id,
    )
    await settle(app, pilot)
    return text_of(app, result_id)


# ---- wording


def test_describe_counts_leaves_out_kinds_with_none() -> None:
    assert describe_counts({"alias": 2, "session": 1, "reflection": 0, "checkin": 3}) == (
        "2 aliases, 1 session, 3 check-ins"
    )
    assert describe_counts({"alias": 1, "confidentiality_event": 2}) == (
        "1 alias, 2 confidentiality events"
    )
    assert describe_counts({"session": 0}) == "nothing yet"


# ---- back up now


async def test_backup_now_writes_a_backup_that_verifies(
    filled: Journal, tmp_path: Path, out: Path
) -> None:
    before = snapshot(tmp_path)
    target = out / "mine.pjbackup"
    app = HarnessApp(lambda: BackupScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.id == "backup"
        suggested = app.screen.query_one("#backup-path", Input).value
        assert suggested.startswith("~/peerjournal-backup-") and suggested.endswith(".pjbackup")
        await run_section(app, pilot, "backup-path", str(target))
        result = await finished(app, pilot, "backup-result")
        assert not app.screen.query_one("#backup-busy", LoadingIndicator).has_class("-busy")
        assert not app.screen.query_one("#backup-now", Button).disabled
    assert f"Backup written to {target} and verified." in result
    assert "1 alias, 1 session" in result
    summary = verify_backup(target, PASSPHRASE, policy=TEST_POLICY, scratch=tmp_path)
    assert summary.counts == filled.counts()
    assert new_files(before, tmp_path) == {target}


async def test_an_existing_backup_file_is_replaced_only_after_a_yes(
    filled: Journal, tmp_path: Path, out: Path
) -> None:
    target = out / "existing.pjbackup"
    target.write_bytes(b"keep me")
    app = HarnessApp(lambda: BackupScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await run_section(app, pilot, "backup-path", str(target))
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert "already exists" in str(dialog.query_one(".dialog-text", Static).content)
        assert dialog.focused is not None and dialog.focused.id == "no"
        await pilot.press("enter")  # the focused answer: Cancel
        assert await finished(app, pilot, "backup-result") == "Nothing was written."
        assert target.read_bytes() == b"keep me"

        await run_section(app, pilot, "backup-path", str(target))
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.click("#yes")
        result = await finished(app, pilot, "backup-result")
    assert "verified" in result
    assert verify_backup(target, PASSPHRASE, policy=TEST_POLICY).counts == filled.counts()
    assert set(files_under(out)) == {target}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/b.pjbackup", "does not exist"),
        ("", "Enter a file name"),
        (".", "is a folder"),
    ],
)
async def test_a_backup_target_that_cannot_work_says_why(
    journal: Journal, tmp_path: Path, out: Path, name: str, message: str
) -> None:
    before = snapshot(tmp_path)
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await run_section(app, pilot, "backup-path", str(out / name) if name else "  ")
        result = await finished(app, pilot, "backup-result")
        assert app.screen.query_one("#backup-result", Static).has_class("-error")
    assert message in result
    assert snapshot(tmp_path) == before


async def test_a_backup_inside_the_journal_folder_is_refused(journal: Journal) -> None:
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await run_section(app, pilot, "backup-path", str(journal.home / "b.pjbackup"))
        result = await finished(app, pilot, "backup-result")
    assert "outside the journal's own folder" in result
    assert not (journal.home / "b.pjbackup").exists()


async def test_paths_are_shown_literally(journal: Journal, out: Path) -> None:
    target = out / "[@click=app.quit]x[bold].pjbackup"
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await run_section(app, pilot, "backup-path", str(target))
        result = await finished(app, pilot, "backup-result")
        assert app.is_running
    assert str(target) in result
    assert target.is_file()


# ---- automatic backups


async def test_automatic_backup_settings_are_saved_and_read_back(
    journal: Journal, tmp_path: Path, out: Path
) -> None:
    before = snapshot(tmp_path)
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert text_of(app, "auto-current") == "Now: off."
        assert app.screen.query_one("#auto-keep", Input).value == "5"
        app.screen.query_one("#auto-enabled", Checkbox).value = True
        app.screen.query_one("#auto-folder", Input).value = str(out)
        await run_section(app, pilot, "auto-keep", "7")
        result = await finished(app, pilot, "auto-result")
        assert result.startswith("Saved.")
        assert text_of(app, "auto-current") == f"Now: on, into {out}, keeping the last 7."
    assert auto_backup_settings(journal) == AutoBackupSettings(out, 7)
    assert snapshot(tmp_path).keys() == before.keys()  # settings live inside the journal

    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#auto-enabled", Checkbox).value is True
        assert app.screen.query_one("#auto-folder", Input).value == str(out)
        assert app.screen.query_one("#auto-keep", Input).value == "7"
        app.screen.query_one("#auto-enabled", Checkbox).value = False
        app.screen.query_one("#auto-folder", Input).focus()
        await pilot.press("ctrl+s")  # ctrl+s runs the section holding the focus
        assert "No automatic backups" in await finished(app, pilot, "auto-result")
        assert text_of(app, "auto-current") == "Now: off."
    assert auto_backup_settings(journal) == AutoBackupSettings(None, 7)


@pytest.mark.parametrize(
    ("folder", "keep", "message"),
    [
        ("", "5", "Enter a file name for the automatic backups' folder"),
        ("missing", "5", "does not exist"),
        (".", "0", "Keep: enter a number from 1 to 50"),
        (".", "51", "Keep: enter a number from 1 to 50"),
        ("JOURNAL", "5", "would be lost with it"),
    ],
)
async def test_automatic_backup_settings_are_checked(
    journal: Journal, out: Path, folder: str, keep: str, message: str
) -> None:
    typed = str(journal.home) if folder == "JOURNAL" else str(out / folder) if folder else ""
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#auto-enabled", Checkbox).value = True
        app.screen.query_one("#auto-folder", Input).value = typed
        await run_section(app, pilot, "auto-keep", keep)
        assert message in await finished(app, pilot, "auto-result")
    assert auto_backup_settings(journal) == AutoBackupSettings(None)


async def test_take_auto_backup_backs_up_when_due_and_reports_a_missing_folder(
    filled: Journal, out: Path
) -> None:
    set_auto_backup(filled, out, 3)
    app = HarnessApp(lambda: BackupScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        made = await take_auto_backup(app, filled)
        assert made.problem is None and made.summary is not None
        assert made.summary.path.parent == out
        assert await take_auto_backup(app, filled) == AutoBackupOutcome()  # nothing changed
        samples.alias(filled, "Sky")
        out.rename(out.with_name("unplugged"))
        quiet = await take_auto_backup(app, filled, announce=False)
        assert quiet.summary is None and quiet.problem is not None
        assert quiet.problem.startswith("No automatic backup was made: The backup folder")
        await pilot.pause()
        assert not any("No automatic backup" in n.message for n in app._notifications)
        await take_auto_backup(app, filled)
        await wait_until(
            pilot,
            lambda: any("is not available" in n.message for n in app._notifications),
            "the warning",
        )
    assert [p.name for p in files_under(out.with_name("unplugged"))] == [made.summary.path.name]


# ---- plaintext export


async def start_export(app: HarnessApp, pilot: Pilot[Any], target: Path) -> ConfirmScreen:
    await run_section(app, pilot, "export-path", str(target))
    dialog = await wait_for_screen(pilot, ConfirmScreen)
    assert isinstance(dialog, ConfirmScreen)
    return dialog


async def test_plaintext_export_warns_first_and_cancel_writes_nothing(
    filled: Journal, tmp_path: Path, out: Path
) -> None:
    before = snapshot(tmp_path)
    target = out / "notes.json"
    app = HarnessApp(lambda: BackupScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dialog = await start_export(app, pilot, target)
        question = str(dialog.query_one(".dialog-text", Static).content)
        assert PLAINTEXT_WARNING.format(where=f" to {target}") in question
        assert dialog.query_one("#yes", Button).variant == "error"  # danger
        assert dialog.focused is not None and dialog.focused.id == "no"
        await pilot.press("enter")  # the default answer is Cancel
        assert await finished(app, pilot, "export-result") == "Nothing was exported."
        dialog = await start_export(app, pilot, target)
        await pilot.press("escape")
        assert await finished(app, pilot, "export-result") == "Nothing was exported."
    assert snapshot(tmp_path) == before


async def test_plaintext_json_export_after_a_yes_is_private(
    filled: Journal, tmp_path: Path, out: Path
) -> None:
    before = snapshot(tmp_path)
    target = out / "notes.json"
    app = HarnessApp(lambda: BackupScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await start_export(app, pilot, target)
        await pilot.click("#yes")
        result = await finished(app, pilot, "export-result")
    assert result.startswith(f"Exported the whole journal to {target} (readable by you only).")
    assert new_files(before, tmp_path) == {target}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    document = json.loads(target.read_text())
    assert document["format"] == "peerjournal-export"
    assert [a["pseudonym"] for a in document["aliases"]] == ["River"]


async def test_markdown_export_and_an_existing_file_needs_the_same_yes(
    filled: Journal, tmp_path: Path, out: Path
) -> None:
    target = out / "notes.md"
    target.write_text("older")
    app = HarnessApp(lambda: BackupScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        field = app.screen.query_one("#export-path", Input)
        assert field.value.endswith(".json")
        app.screen.query_one("#export-format", Select).value = "markdown"
        await pilot.pause()
        assert field.value.endswith(".md")  # the suggested name follows the format
        dialog = await start_export(app, pilot, target)
        assert "notes.md already exists and will be replaced" in str(
            dialog.query_one(".dialog-text", Static).content
        )
        await pilot.press("escape")
        await finished(app, pilot, "export-result")
        assert target.read_text() == "older"
        await start_export(app, pilot, target)
        await pilot.click("#yes")
        result = await finished(app, pilot, "export-result")
    assert result.startswith("Exported 1 entry to")
    text = target.read_text()
    assert text.startswith("# peerjournal export")
    assert HOSTILE_STORED in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert set(files_under(out)) == {target}


async def test_escape_goes_back_and_the_screen_fits_80_by_24(journal: Journal) -> None:
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for button_id in ("#backup-now", "#auto-save", "#export-now"):
            button = app.screen.query_one(button_id, Button)
            button.scroll_visible(animate=False)
            await pilot.pause()
            assert app.screen.region.contains_region(button.region)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id != "backup"
        assert app.results == [None]


async def test_the_busy_dots_stay_beside_the_back_up_button(existing_home: Path) -> None:
    from textual.widgets import Button, LoadingIndicator

    from tests.tui.conftest import make_app, settle, unlock

    app = make_app(existing_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        app.action_open_screen("backup")
        await settle(app, pilot)
        busy = app.screen.query_one("#backup-busy", LoadingIndicator)
        busy.add_class("-busy")
        await pilot.pause()
        button = app.screen.query_one("#backup-now", Button)
        assert busy.region.x >= button.region.right  # beside it, not over it
        assert busy.content_region.width >= 10  # "● ● ● ● ●" on one line

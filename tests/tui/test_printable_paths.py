"""The app shows outside strings (paths) with control characters escaped (review 2026-12).

A file name holding `ESC ] 52` (clipboard) or a CSI sequence is shown as `\\e]52...`, in the
export's warning, its result line and the backup result, never passed to the terminal.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from peerjournal.core.journal import Journal
from peerjournal.core.printable import printable
from peerjournal.tui.screens.backup import BackupScreen
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle
from tests.tui.test_backup_screen import SIZE, finished, run_section, start_export

OSC_52 = "\x1b]52;c;b3duZWQ=\x1b\\"
CSI = "\x1b[2J"


def controls_in(text: str) -> list[str]:
    return [ch for ch in text if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) < 0xA0]


async def test_an_export_target_with_escape_sequences_is_shown_escaped(
    journal: Journal, tmp_path: Path
) -> None:
    target = tmp_path / f"notes{OSC_52}.json"
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dialog = await start_export(app, pilot, target)
        question = str(dialog.query_one(".dialog-text", Static).content)
        await pilot.click("#yes")
        result = await finished(app, pilot, "export-result")
    assert printable(target) in question and "\\e]52;c;" in question
    assert result.startswith(f"Exported the whole journal to {printable(target)} ")
    assert controls_in(question) == [] and controls_in(result) == []
    assert target.is_file()


async def test_a_backup_name_with_escape_sequences_is_shown_escaped(
    journal: Journal, tmp_path: Path
) -> None:
    target = tmp_path / f"backup{CSI}.pjbackup"
    app = HarnessApp(lambda: BackupScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await run_section(app, pilot, "backup-path", str(target))
        result = await finished(app, pilot, "backup-result")
    assert f"Backup written to {printable(target)} and verified." in result
    assert controls_in(result) == []

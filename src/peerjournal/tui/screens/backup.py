"""BackupScreen: encrypted backups (now and automatic) and the plaintext export.

Three sections on one scrolling screen, each with its own button:

- **Back up now** writes one verified, encrypted file (`core.backup.create_backup`); an
  existing file is only replaced after the person says so.
- **Automatic backups** stores the folder and how many to keep (`set_auto_backup`). The app
  takes them at lock and exit when something changed (`take_auto_backup`, below).
- **Plaintext export** writes JSON or Markdown with `write_private_file` (0600, never
  replacing a file unasked), and only after a warning whose default answer is Cancel.

Every file-system and journal call runs in a thread worker through `call`; paths and error
messages are shown as plain content, never as markup. Nothing else is written: a cancelled
dialog writes nothing at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, LoadingIndicator, Select, Static

from peerjournal.core.backup import (
    AutoBackupSettings,
    BackupSummary,
    auto_backup_settings,
    create_backup,
    set_auto_backup,
)
from peerjournal.core.errors import JournalError
from peerjournal.core.exchange import (
    PLAINTEXT_WARNING,
)
from peerjournal.core.journal import Journal
from peerjournal.core.printable import printable
from peerjournal.tui.calls import call
from peerjournal.tui.files import (
    AutoBackupOutcome,
    TargetProblem,
    check_auto_folder,
    check_target,
    describe_counts,
    entries_text,
    os_message,
    take_auto_backup,
    target_path,
    write_export,
)
from peerjournal.tui.host import today_for
from peerjournal.tui.safety import plain_line
from peerjournal.tui.screens.dialogs import ConfirmScreen, plaintext_consent
from peerjournal.tui.widgets.result_line import ResultLine
from peerjournal.tui.widgets.timeline_view import friendly_when

KEEP_RANGE = (1, 50)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "json": ("JSON: the whole journal, to import again", ".json"),
    "markdown": ("Markdown: one document, to read", ".md"),
}
# Which button each section's ctrl+s (and Enter in its fields) presses.
SECTION_BUTTONS = {
    "section-now": "backup-now",
    "section-auto": "auto-save",
    "section-export": "export-now",
}


# --------------------------------------------------------------------------------------------
# Wording


def summary_text(summary: BackupSummary) -> str:
    """What a verified backup holds, in a few lines."""
    made = friendly_when(summary.made_at) if summary.made_at else "unknown"
    return (
        f"Backup written to {printable(summary.path)} and verified.\n"
        f"Made: {made} · {summary.size_bytes / 1_000_000:.1f} MB\n"
        f"Holds: {describe_counts(summary.counts)}\n"
        "It opens with the journal's current passphrase. It is encrypted; keep it safe."
    ) + (f"\n{summary.cleaned_notice}" if summary.cleaned_notice else "")


def auto_text(settings: AutoBackupSettings) -> str:
    if settings.folder is None:
        return "Now: off."
    return f"Now: on, into {printable(settings.folder)}, keeping the last {settings.keep}."


def default_backup_path(today: date) -> str:
    return f"~/peerjournal-backup-{today.isoformat()}.pjbackup"


def default_export_path(today: date, fmt: str) -> str:
    return f"~/peerjournal-export-{today.isoformat()}{EXPORT_FORMATS[fmt][1]}"


# --------------------------------------------------------------------------------------------
# The screen


class BackupScreen(Screen[None]):
    """Back up now, automatic backups, and the plaintext export; escape goes back."""

    BINDINGS = [
        Binding("ctrl+s", "run_section", "Run this section", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="backup")
        self.journal = journal
        self.auto: AutoBackupSettings | None = None
        self._under_way: set[str] = set()  # sections whose work is under way

    def compose(self) -> ComposeResult:
        today = today_for(self)
        yield Static("Backup & export", classes="form-title")
        with VerticalScroll(classes="form-body"):
            with Vertical(id="section-now", classes="backup-section"):
                yield Static("Back up now", classes="section-title")
                yield Static(
                    "One encrypted file holding the whole journal; it opens with your "
                    "passphrase. Keep it somewhere other than this computer.",
                    classes="hint",
                )
                yield Static("Backup file", classes="field-label")
                with Horizontal(classes="section-row"):
                    yield Input(default_backup_path(today), id="backup-path")
                    yield Button("Back up now", id="backup-now", variant="primary")
                    yield LoadingIndicator(id="backup-busy")
                yield ResultLine(id="backup-result", classes="section-result")
            with Vertical(id="section-auto", classes="backup-section"):
                yield Static("Automatic backups", classes="section-title")
                yield Static(
                    "Taken at lock and exit when something changed; for your own encrypted "
                    "USB stick. Only the newest ones are kept.",
                    classes="hint",
                )
                yield Static("", id="auto-current")
                yield Checkbox("Make automatic backups", id="auto-enabled")
                yield Static("Folder", classes="field-label")
                yield Input(id="auto-folder", placeholder="for example /media/me/stick")
                yield Static(
                    f"Keep the last ({KEEP_RANGE[0]}–{KEEP_RANGE[1]})", classes="field-label"
                )
                with Horizontal(classes="section-row"):
                    yield Input(id="auto-keep", type="integer", max_length=2, classes="short-input")
                    yield Button("Save", id="auto-save", variant="primary")
                yield ResultLine(id="auto-result", classes="section-result")
            with Vertical(id="section-export", classes="backup-section"):
                yield Static("Plaintext export", classes="section-title")
                yield Static(
                    "Your notes as a readable file that is NOT encrypted. You are asked "
                    "before anything is written.",
                    classes="hint warning",
                )
                yield Static("Format", classes="field-label")
                yield Select(
                    [(label, fmt) for fmt, (label, _) in EXPORT_FORMATS.items()],
                    value="json",
                    allow_blank=False,
                    id="export-format",
                )
                yield Static("Export file", classes="field-label")
                with Horizontal(classes="section-row"):
                    yield Input(default_export_path(today, "json"), id="export-path")
                    yield Button("Export…", id="export-now", variant="warning")
                    yield LoadingIndicator(id="export-busy")
                yield ResultLine(id="export-result", classes="section-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#backup-path", Input).focus()
        self.load_auto_settings()

    # ---- shared

    def _say(self, result_id: str, message: str, *, error: bool = False) -> None:
        self.query_one(f"#{result_id}", ResultLine).say(message, error=error)

    @contextlib.contextmanager
    def _busy(self, section: str, button: str, indicator: str | None = None) -> Iterator[None]:
        """Mark a section's work as under way: its button is off, the indicator shows."""
        self._under_way.add(section)
        self.query_one(f"#{button}", Button).disabled = True
        if indicator:
            self.query_one(f"#{indicator}", LoadingIndicator).add_class("-busy")
        try:
            yield
        finally:
            self._under_way.discard(section)
            # The screen may be gone by now (the app locked while a file was written).
            with contextlib.suppress(NoMatches):
                self.query_one(f"#{button}", Button).disabled = False
                if indicator:
                    self.query_one(f"#{indicator}", LoadingIndicator).remove_class("-busy")

    async def _target(self, field_id: str, what: str, result_id: str) -> tuple[Path, bool] | None:
        """The file named in `field_id` and whether it exists; None (said why) if unusable."""
        self._say(result_id, "")
        try:
            path = target_path(self.query_one(f"#{field_id}", Input).value, what)
            return path, await call(self, check_target, path, self.journal.home)
        except TargetProblem as problem:
            self._say(result_id, str(problem), error=True)
            return None

    def action_run_section(self) -> None:
        """ctrl+s: press the button of the section holding the focus."""
        node: DOMNode | None = self.focused
        while node is not None and node is not self:
            button = SECTION_BUTTONS.get(node.id or "")
            if button is not None:
                self.query_one(f"#{button}", Button).press()
                return
            node = node.parent
        self.notify("Move into a section first (tab).", markup=False, timeout=3)

    @on(Input.Submitted)
    def _enter_runs_section(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run_section()

    def action_back(self) -> None:
        if self._under_way:
            self.notify("Wait a moment: still working on it.", markup=False, timeout=3)
            return
        self.dismiss(None)

    # ---- back up now

    @on(Button.Pressed, "#backup-now")
    def _backup_pressed(self) -> None:
        self.back_up_now()

    @work(group="backup-now")
    async def back_up_now(self) -> None:
        """Write a verified backup to the file named; ask before replacing one."""
        if "now" in self._under_way:
            return
        with self._busy("now", "backup-now", "backup-busy"):
            target = await self._target("backup-path", "backup", "backup-result")
            if target is None:
                return
            path, exists = target
            if exists and not await self.app.push_screen_wait(
                ConfirmScreen(
                    f"{printable(path)} already exists. Replace it with a new backup?",
                    yes="Replace",
                    danger=True,
                )
            ):
                self._say("backup-result", "Nothing was written.")
                return
            self._say("backup-result", "Writing and verifying the backup…")
            try:
                summary = await call(self, create_backup, self.journal, path, overwrite=exists)
            except JournalError as error:
                self._say("backup-result", printable(error.message), error=True)
                return
            except OSError as error:
                self._say("backup-result", os_message(error, "The backup"), error=True)
                return
        self._say("backup-result", summary_text(summary))

    # ---- automatic backups

    @work(exclusive=True, group="auto-load")
    async def load_auto_settings(self) -> None:
        try:
            settings = await call(self, auto_backup_settings, self.journal)
        except JournalError as error:
            self._say("auto-result", error.message, error=True)
            return
        self._show_auto(settings)

    def _show_auto(self, settings: AutoBackupSettings) -> None:
        self.auto = settings
        self.query_one("#auto-current", Static).update(plain_line(auto_text(settings)))
        self.query_one("#auto-enabled", Checkbox).value = settings.enabled
        if settings.folder is not None:
            self.query_one("#auto-folder", Input).value = str(settings.folder)
        self.query_one("#auto-keep", Input).value = str(settings.keep)

    def _read_keep(self) -> int:
        text = self.query_one("#auto-keep", Input).value.strip()
        low, high = KEEP_RANGE
        if not text.isdigit() or not low <= int(text) <= high:
            raise TargetProblem(f"Keep: enter a number from {low} to {high}.")
        return int(text)

    @on(Button.Pressed, "#auto-save")
    def _auto_pressed(self) -> None:
        self.save_auto()

    @work(group="auto-save")
    async def save_auto(self) -> None:
        """Store the automatic backup settings (on into a folder, or off)."""
        if "auto" in self._under_way:
            return
        with self._busy("auto", "auto-save"):
            enabled = self.query_one("#auto-enabled", Checkbox).value
            folder: Path | None = None
            try:
                keep = self._read_keep()
                if enabled:
                    folder = target_path(
                        self.query_one("#auto-folder", Input).value, "automatic backups' folder"
                    )
                    await call(self, check_auto_folder, folder, self.journal.home)
                await call(self, set_auto_backup, self.journal, folder, keep)
                settings = await call(self, auto_backup_settings, self.journal)
            except TargetProblem as problem:
                self._say("auto-result", str(problem), error=True)
                return
            except JournalError as error:
                self._say("auto-result", printable(error.message), error=True)
                return
        self._show_auto(settings)
        self._say(
            "auto-result",
            "Saved. The next one is taken when you lock or quit after a change."
            if settings.enabled
            else "Saved. No automatic backups will be made.",
        )

    # ---- plaintext export

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """Keep the file name's ending in step with the format, unless it was changed by hand."""
        field = self.query_one("#export-path", Input)
        fmt = str(event.value)
        new_suffix = EXPORT_FORMATS[fmt][1]
        for other, (_, suffix) in EXPORT_FORMATS.items():
            if other != fmt and field.value.endswith(suffix):
                field.value = field.value[: -len(suffix)] + new_suffix

    @on(Button.Pressed, "#export-now")
    def _export_pressed(self) -> None:
        self.export()

    @work(group="export")
    async def export(self) -> None:
        """Warn, and only on an explicit yes write the plaintext export."""
        if "export" in self._under_way:
            return
        with self._busy("export", "export-now", "export-busy"):
            fmt = str(self.query_one("#export-format", Select).value)
            target = await self._target("export-path", "export", "export-result")
            if target is None:
                return
            path, exists = target
            if not await self.app.push_screen_wait(plaintext_consent(path, exists, verb="Export")):
                self._say("export-result", "Nothing was exported.")
                return
            try:
                said = await call(self, write_export, self.journal, fmt, path, overwrite=exists)
            except JournalError as error:
                self._say("export-result", printable(error.message), error=True)
                return
            except OSError as error:
                self._say("export-result", os_message(error, "The export"), error=True)
                return
        self._say("export-result", said)


# The file helpers moved to tui/files.py; these names stay importable from here.
__all__ = [
    "KEEP_RANGE",
    "TargetProblem",
    "check_auto_folder",
    "check_target",
    "target_path",
    "write_export",
    "AutoBackupOutcome",
    "PLAINTEXT_WARNING",
    "BackupScreen",
    "describe_counts",
    "entries_text",
    "plaintext_consent",
    "take_auto_backup",
]

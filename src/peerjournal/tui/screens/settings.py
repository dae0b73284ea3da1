"""SettingsScreen: idle lock, retention and the wellbeing screen's notices, where the journal
lives and how it is keyed, and a way to change the passphrase (`ChangePassphraseScreen`).

Settings are stored inside the encrypted journal (`Journal.setting` / `set_setting`), read and
written in thread workers. Saving the idle timeout also applies it to the running app. The
retention periods are stored here; the Retention & purge screen shows and purges what they cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Static

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.kdf import KdfParams
from peerjournal.core.printable import printable
from peerjournal.core.wellbeing import ON_THIS_DAY_SETTING, STRAIN_NOTICE_SETTING
from peerjournal.tui.calls import call
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.dialogs import discard_changes_dialog
from peerjournal.tui.screens.passphrase import ChangePassphraseScreen

IDLE_KEY = "idle_minutes"
IDLE_DEFAULT = 5
IDLE_RANGE = (1, 120)
RETENTION_CLOSED_ALIAS_KEY = "retention_closed_alias_months"
RETENTION_ENTRY_KEY = "retention_entry_months"
RETENTION_RANGE = (1, 1200)  # the same range as the Retention & purge screen


@dataclass(frozen=True)
class Settings:
    """The values this screen edits; None means a retention period is off."""

    idle_minutes: int = IDLE_DEFAULT
    retention_closed_alias_months: int | None = None
    retention_entry_months: int | None = None
    strain_notice: bool = True  # My wellbeing: the sustained-strain notice
    on_this_day: bool = True  # My wellbeing: entries from a year ago

    @classmethod
    def load(cls, journal: Journal) -> Settings:
        """Read from the journal (blocking: call it in a worker)."""
        idle = _whole(journal.setting(IDLE_KEY, IDLE_DEFAULT), IDLE_DEFAULT)
        return cls(
            idle_minutes=idle or IDLE_DEFAULT,
            retention_closed_alias_months=_whole(
                journal.setting(RETENTION_CLOSED_ALIAS_KEY, None), None
            ),
            retention_entry_months=_whole(journal.setting(RETENTION_ENTRY_KEY, None), None),
            strain_notice=journal.setting(STRAIN_NOTICE_SETTING, True) is not False,
            on_this_day=journal.setting(ON_THIS_DAY_SETTING, True) is not False,
        )

    def store(self, journal: Journal) -> None:
        """Write them all together (blocking: call it in a worker)."""
        with journal.transaction():
            journal.set_setting(IDLE_KEY, self.idle_minutes)
            journal.set_setting(RETENTION_CLOSED_ALIAS_KEY, self.retention_closed_alias_months)
            journal.set_setting(RETENTION_ENTRY_KEY, self.retention_entry_months)
            journal.set_setting(STRAIN_NOTICE_SETTING, self.strain_notice)
            journal.set_setting(ON_THIS_DAY_SETTING, self.on_this_day)


def _whole(value: Any, default: int | None) -> int | None:
    """A stored setting as a whole number; anything odd falls back to the default."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


def kdf_description(params: KdfParams) -> str:
    memory = params.memory_kib / 1024
    memory_text = f"{memory:g} MiB" if memory >= 1 else f"{params.memory_kib} KiB"
    passes = "pass" if params.iterations == 1 else "passes"
    lanes = "lane" if params.parallelism == 1 else "lanes"
    return (
        f"Argon2id, {memory_text} memory, {params.iterations} {passes}, "
        f"{params.parallelism} {lanes}"
    )


class SettingsError(ValueError):
    """A field's value is out of range; the message names the field."""


def _parse_whole(text: str, label: str, low: int, high: int, *, blank_ok: bool) -> int | None:
    text = text.strip()
    if not text:
        if blank_ok:
            return None
        raise SettingsError(f"{label}: enter a number from {low} to {high}.")
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{label}: enter a whole number from {low} to {high}.") from None
    if not low <= value <= high:
        raise SettingsError(f"{label}: enter a number from {low} to {high}.")
    return value


class SettingsScreen(Screen[Settings | None]):
    """Edit the journal's settings; ctrl+s saves (and closes), escape leaves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="settings")
        self.journal = journal
        self.loaded: Settings | None = None

    def compose(self) -> ComposeResult:
        yield Static("Settings", classes="form-title")
        with VerticalScroll(classes="form-body"):
            yield from _number_field(
                f"Lock after this many idle minutes ({IDLE_RANGE[0]}–{IDLE_RANGE[1]})",
                "idle-minutes",
            )
            yield from _number_field(
                "Delete records of closed aliases after this many months (blank: keep)",
                "retention-closed-alias",
                placeholder="keep",
            )
            yield from _number_field(
                "Delete entries older than this many months (blank: keep)",
                "retention-entries",
                placeholder="keep",
            )
            yield Static(
                Content(
                    "Nothing is deleted here. To see exactly what these periods cover and purge "
                    "it, open Retention & purge from the command palette (ctrl+p)."
                ),
                classes="hint",
            )
            yield Static(Content("My wellbeing (w)"), classes="field-label")
            yield Checkbox(
                "Show a short note when my check-ins suggest a stretch of strain",
                id="strain-notice",
            )
            yield Checkbox("Show what I wrote on this day last year", id="on-this-day")
            yield Static("", id="settings-error")
            yield Static(self._location_text(), id="settings-location", classes="settings-info")
            yield Button("Change passphrase…", id="change-passphrase")
        yield Footer()

    def _location_text(self) -> Content:
        # Attributes only (no SQL), so reading them on the UI thread is fine.
        params = self.journal.vault.header.params
        return Content.assemble(
            ("Journal folder: ", "bold"),
            printable(self.journal.home),
            "\n",
            ("Key derivation: ", "bold"),
            kdf_description(params),
        )

    def on_mount(self) -> None:
        self.query_one("#idle-minutes", Input).focus()
        self.load()

    @on(Button.Pressed, "#change-passphrase")
    def _change_passphrase(self) -> None:
        def changed(done: bool | None) -> None:
            if done:  # new key settings: show them
                self.query_one("#settings-location", Static).update(self._location_text())

        self.app.push_screen(ChangePassphraseScreen(self.journal), changed)

    @work(exclusive=True, group="settings")
    async def load(self) -> None:
        try:
            settings = await call(self, Settings.load, self.journal)
        except JournalError as error:
            notify_error(self, error)
            return
        self.loaded = settings
        self.query_one("#idle-minutes", Input).value = str(settings.idle_minutes)
        self.query_one("#retention-closed-alias", Input).value = _text(
            settings.retention_closed_alias_months
        )
        self.query_one("#retention-entries", Input).value = _text(settings.retention_entry_months)
        self.query_one("#strain-notice", Checkbox).value = settings.strain_notice
        self.query_one("#on-this-day", Checkbox).value = settings.on_this_day

    def read(self) -> Settings:
        """The values on screen; raises SettingsError naming the first bad field."""
        idle = _parse_whole(
            self.query_one("#idle-minutes", Input).value,
            "Idle lock",
            *IDLE_RANGE,
            blank_ok=False,
        )
        assert idle is not None
        return Settings(
            idle_minutes=idle,
            retention_closed_alias_months=_parse_whole(
                self.query_one("#retention-closed-alias", Input).value,
                "Closed aliases",
                *RETENTION_RANGE,
                blank_ok=True,
            ),
            retention_entry_months=_parse_whole(
                self.query_one("#retention-entries", Input).value,
                "Entries",
                *RETENTION_RANGE,
                blank_ok=True,
            ),
            strain_notice=self.query_one("#strain-notice", Checkbox).value,
            on_this_day=self.query_one("#on-this-day", Checkbox).value,
        )

    @property
    def is_dirty(self) -> bool:
        try:
            return self.loaded is not None and self.read() != self.loaded
        except SettingsError:
            return True

    def _show_error(self, message: str) -> None:
        self.query_one("#settings-error", Static).update(Content(message))

    @work(exclusive=True, group="settings")
    async def action_save(self) -> None:
        if self.loaded is None:
            return  # still loading; nothing the person typed can be lost
        try:
            settings = self.read()
        except SettingsError as error:
            self._show_error(str(error))
            return
        try:
            await call(self, settings.store, self.journal)
        except JournalError as error:
            notify_error(self, error, title="Not saved")
            return
        app: Any = self.app
        if hasattr(app, "idle_seconds"):  # the running app picks the new timeout up at once
            app.idle_seconds = settings.idle_minutes * 60.0
        self.loaded = settings
        self.notify("Settings saved.", markup=False, timeout=3)
        self.dismiss(settings)

    @work(exclusive=True, group="settings-leave")
    async def action_leave(self) -> None:
        if self.is_dirty and not await self.app.push_screen_wait(discard_changes_dialog()):
            return
        self.dismiss(None)


def _number_field(label: str, field_id: str, *, placeholder: str = "") -> ComposeResult:
    yield Static(Content(label), classes="field-label")
    yield Input(
        id=field_id,
        type="integer",
        placeholder=placeholder,
        classes="settings-input",
        max_length=3,
    )


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


__all__ = [
    "IDLE_KEY",
    "RETENTION_CLOSED_ALIAS_KEY",
    "RETENTION_ENTRY_KEY",
    "Settings",
    "SettingsScreen",
    "kdf_description",
]

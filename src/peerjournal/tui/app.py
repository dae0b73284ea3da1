"""PeerJournalApp: the Textual app a supporter lives in.

The app owns the vault lock for its lifetime and the Journal once unlocked. It is responsible
for the things no single screen can be: locking (on demand and when idle, saving open forms as
encrypted drafts first and clearing every screen), offering drafts back after unlock, keeping
leak paths shut (no screenshot command, no devtools or log files, no tracebacks with locals),
and routing the global keys to screens.

Screens talk to it in one way (see peerjournal.tui.host and docs/architecture.md): they post
the intents of `tui/messages.py`, which bubble up to the handlers here; they open other
screens by name from `screens/registry.py`; and they subscribe to `journal_changed`, which
the app publishes after every write to the journal, whoever wrote.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import constants as textual_constants
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.signal import Signal

from peerjournal.core.changes import JournalChange
from peerjournal.core.errors import JournalError
from peerjournal.core.kdf import DEFAULT_POLICY, KdfPolicy
from peerjournal.core.recovery import recover
from peerjournal.core.vault import Vault
from peerjournal.tui.calls import call
from peerjournal.tui.host import ChangeRelay
from peerjournal.tui.keys import APP_BINDINGS
from peerjournal.tui.messages import EntryDeleted, JournalOpened, OpenEntry, OpenForm
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.registry import PALETTE_FORMS, SCREENS

if TYPE_CHECKING:
    # Not at launch: the journal and the models come while Argon2id runs
    # (unlock._import_first_screen), after the unlock screen is drawn.
    from peerjournal.core.journal import Deleted, Draft, Journal, TimelinePage
    from peerjournal.core.models import Record
    from peerjournal.tui.files import AutoBackupOutcome
    from peerjournal.tui.host import JournalHost

STYLES_DIR = Path(__file__).parent / "styles"
# The app's stylesheets (docs/architecture.md, "Styles"): the shared rules, then one file per
# screen module, named after it. A base screen's file comes before its subclasses' files, so
# that, as with DEFAULT_CSS, a subclass's rule wins a tie. Every file in styles/ is listed
# (a test checks it), and they ship in the wheel (pyproject package data).
STYLESHEETS = (
    "app",
    "record_form",  # RecordForm, before the forms built on it
    "unlock",  # _GateScreen, before CreateScreen and UnlockScreen
    "search",  # SearchScreen
    "alias_form",
    "aliases",
    "backup",
    "boundary_form",
    "debrief_form",
    "digest",
    "entry",
    "follow_up_form",
    "followups",
    "help",
    "passphrase",
    "reflection_form",
    "retention",
    "session_form",
    "settings",
    "supervision",  # PrepareSupervisionScreen, after search (EntryListScreen)
    "supervision_form",
    "timeline",
    "wellbeing",
)
CSS_PATH: list[str | PurePath] = [STYLES_DIR / f"{name}.tcss" for name in STYLESHEETS]
DEFAULT_IDLE_MINUTES = 5
UNDO_DELETE_SECONDS = 10.0
IDLE_SETTING = "idle_minutes"

# Events that count as the person being there. Checked in on_event, before any widget can
# consume them (on_key would miss keys that inputs swallow).
_ACTIVITY = (
    events.Key,
    events.MouseDown,
    events.MouseUp,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
    events.Click,
)


class PeerJournalApp(App[int]):
    """The peerjournal terminal app."""

    TITLE = "peerjournal"
    CSS_PATH = CSS_PATH
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        home: Path,
        *,
        policy: KdfPolicy = DEFAULT_POLICY,
        idle_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        demo_passphrase: str | None = None,
    ) -> None:
        super().__init__()
        _close_leak_paths(self)
        self.home = Path(home)
        self.policy = policy
        self.clock = clock
        self.today = today  # screens ask the app for "today", so tests can fix it
        self.demo_passphrase = demo_passphrase
        self._idle_override = idle_seconds
        self.idle_seconds = idle_seconds or DEFAULT_IDLE_MINUTES * 60.0
        self.vault: Vault | None = None
        self.journal: Journal | None = None
        self.exit_message: str | None = None
        self._last_activity = clock()
        self._locking = False
        self._pending_notice: str | None = None
        self.weak_passphrase_noted = False  # "your passphrase is weak" is said once per run
        # The entry deleted last, in memory only, while it can still be undone.
        self._undoable: tuple[Deleted, str, float] | None = None
        # Published after every committed write to the journal (tui/host.py: watch_journal).
        self.journal_changed: Signal[JournalChange] = Signal(self, "journal-changed")
        self._relay: ChangeRelay | None = None

    # ---- start

    def on_mount(self) -> None:
        from peerjournal.tui.screens.unlock import CreateScreen, UnlockScreen

        self._relay = ChangeRelay(self.journal_changed)
        self.set_interval(1.0, self._check_idle, name="idle-check")
        # A restore or backup a crash cut off is finished or undone first, and said.
        for notice in recover(self.home):
            self.notify(notice, severity="warning", markup=False, timeout=30)
        if not os.path.lexists(self.home / "header.json"):
            self.push_screen(CreateScreen(self.home, self.policy))
            return
        try:
            self.vault = Vault.locate(self.home, policy=self.policy)
        except JournalError as error:
            self.exit_with_message(error.message, error.exit_code)
            return
        self.push_screen(UnlockScreen(self.vault, demo_passphrase=self.demo_passphrase))

    def exit_with_message(self, message: str, code: int = 1) -> None:
        self.exit_message = message
        self.exit(code, return_code=code)

    # ---- unlocked

    @on(JournalOpened)
    def _journal_opened(self, message: JournalOpened) -> None:
        self.journal_ready(message.journal)

    @work(exclusive=True, group="journal-ready")
    async def journal_ready(self, journal: Journal) -> None:
        """Once the create/unlock screen opened the journal: show the timeline.

        An app worker, not the screen's: it replaces the screen that asked.
        """
        from peerjournal.tui.screens.timeline import TimelineScreen

        if self._relay is not None:
            journal.add_listener(self._relay)
        self.journal = journal
        self.vault = journal.vault
        self._last_activity = self.clock()
        # One trip to a worker thread for what the first frame needs: the idle time and the
        # timeline's first page, so the screen is drawn with its entries in one go.
        minutes, page = await call(self, _first_reads, journal, self._idle_override is None)
        if minutes is not None:
            self.idle_seconds = max(1, int(minutes)) * 60.0
        await self.switch_to_timeline(TimelineScreen(journal, first_page=page))
        if self._pending_notice:
            self.notify(self._pending_notice, severity="warning", markup=False, timeout=10)
            self._pending_notice = None
        drafts = await call(self, journal.drafts)
        if drafts:
            self.offer_drafts(drafts)

    async def switch_to_timeline(self, screen: Screen[Any]) -> None:
        # The unlock screen is replaced; nothing sits below the timeline but the blank base.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        await self.push_screen(screen)

    @work(exclusive=True, group="drafts")
    async def offer_drafts(self, drafts: list[Draft]) -> None:
        from peerjournal.tui.screens.dialogs import ConfirmScreen

        for draft in drafts:
            label = draft.kind.replace("_", " ")
            restore = await self.push_screen_wait(
                ConfirmScreen(
                    f"You have an unsaved {label} from {draft.updated_at[:16].replace('T', ' ')}."
                    " Open it to finish it?",
                    yes="Open it",
                    no="Discard it",
                    focus_yes=True,
                )
            )
            if self.journal is None:
                return
            if restore:
                await self.open_form(draft.kind, draft=draft)
                return  # one at a time; the rest are offered after the next unlock
            await call(self, self.journal.discard_draft, draft.key)

    @on(OpenForm)
    async def _open_form_asked(self, message: OpenForm) -> None:
        # Awaited here, not in a worker: forms asked for one after another open in that
        # order, each on top of the one before (the session form's offers rely on it).
        await self.open_form(message.kind, record=message.record, **message.options)

    async def open_form(
        self, kind: str, *, record: Record | None = None, draft: Draft | None = None, **extra: Any
    ) -> None:
        """Open the form for `kind` (new, editing `record`, or restoring `draft`)."""
        from peerjournal.tui.screens.forms import FORMS

        journal = self.journal
        if journal is None:
            return
        form_cls = FORMS[kind]
        if any(isinstance(screen, form_cls) for screen in self.screen_stack):
            # One form of a kind at a time: a second would be confusing (and share its id).
            self.notify(f"A {kind.replace('_', ' ')} form is already open.", markup=False)
            return
        aliases = [a.pseudonym for a in await call(self, journal.list_aliases)]
        payload = None
        key = None
        if draft is not None:
            key = draft.key
            payload = draft.payload.get("values", {})
            record_id = draft.payload.get("record_id")
            from peerjournal.core.models import BY_KIND

            cls = BY_KIND.get(kind)
            if (
                record is None
                and cls is not None
                and record_id
                and await call(self, journal.exists, cls, record_id)
            ):
                record = await call(self, journal.get, cls, record_id)
        screen = form_cls(
            journal,
            record=record,
            draft_payload=payload,
            draft_key=key,
            known_aliases=aliases,
            **extra,
        )
        await self.push_screen(screen)

    # ---- undoing a delete

    @on(EntryDeleted)
    def _entry_deleted(self, message: EntryDeleted) -> None:
        self.offer_undo(message.deleted, message.label)

    def offer_undo(self, deleted: Deleted, label: str) -> None:
        """Say `label` ("Session") was deleted, and keep it UNDO_DELETE_SECONDS for ctrl+z."""
        self._undoable = (deleted, label, self.clock() + UNDO_DELETE_SECONDS)
        self.notify(
            f"{label} deleted. ctrl+z brings it back (for {UNDO_DELETE_SECONDS:.0f} seconds).",
            markup=False,
            timeout=UNDO_DELETE_SECONDS,
        )
        self.set_timer(UNDO_DELETE_SECONDS, self._forget_deleted)

    def _forget_deleted(self) -> None:
        if self._undoable is not None and self.clock() >= self._undoable[2]:
            self._undoable = None

    @work(exclusive=True, group="undo-delete")
    async def action_undo_delete(self) -> None:
        undoable, self._undoable = self._undoable, None
        journal = self.journal
        if undoable is None or journal is None or self.clock() >= undoable[2]:
            self.notify("Nothing to undo.", markup=False, timeout=3)
            return
        deleted, label, _ = undoable
        try:
            await call(self, journal.restore_deleted, deleted)
        except JournalError as error:
            notify_error(self, error, title="Not restored")
            return
        self.notify(f"{label} restored.", markup=False, timeout=3)

    # ---- locking

    def on_event(self, event: events.Event) -> Any:
        if isinstance(event, _ACTIVITY):
            self._last_activity = self.clock()
        return super().on_event(event)

    def _check_idle(self) -> None:
        unlocked = self.journal is not None and self.journal.is_unlocked
        if (
            unlocked
            and not self._locking
            and self.clock() - self._last_activity >= self.idle_seconds
        ):
            self.action_lock()

    @work(exclusive=True, group="lock")
    async def action_lock(self) -> None:
        await self.lock_now()

    async def lock_now(self) -> None:
        """Save open forms as drafts, clear every screen, drop the key, ask to unlock."""
        from peerjournal.tui.screens.base import FormScreen
        from peerjournal.tui.screens.unlock import UnlockScreen

        journal = self.journal
        if journal is None or not journal.is_unlocked or self._locking:
            return
        self._locking = True
        # A long search holds the journal; stop it now (from this thread, without waiting),
        # so saving drafts and locking happen on time. journal.lock() stops any later one.
        journal.cancel_searches()
        self._undoable = None  # a deleted entry stays deleted: nothing of it is kept
        try:
            problems: list[str] = []
            forms = [s for s in self.screen_stack if isinstance(s, FormScreen)]
            for form in forms:
                try:
                    await call(self, form.save_draft_now)
                except JournalError as error:
                    problems.append(
                        f"An unsaved form could not be kept as a draft: {error.message}"
                    )
            for form in forms:
                form.clear_history()
            self.clear_notifications()
            while len(self.screen_stack) > 1:
                self.pop_screen()
            # Nothing is on screen now; the automatic backup (if due) needs the key, so it
            # runs before the key is dropped. Its outcome is told after the next unlock.
            outcome = await _auto_backup(self, journal)
            if outcome.problem:
                problems.append(outcome.problem)
            # Told after the next unlock: a locked screen shows nothing.
            self._pending_notice = " ".join(problems) or None
            await call(self, journal.lock)
            await self.push_screen(
                UnlockScreen(journal.vault, journal=journal, demo_passphrase=self.demo_passphrase)
            )
        finally:
            self._locking = False

    # ---- quitting

    async def action_quit(self) -> None:
        await self.close_journal()
        self.exit(0)

    async def close_journal(self) -> None:
        from peerjournal.tui.screens.base import FormScreen

        journal = self.journal
        self._undoable = None
        if journal is not None and journal.is_unlocked:
            for form in [s for s in self.screen_stack if isinstance(s, FormScreen)]:
                with contextlib.suppress(JournalError):
                    await call(self, form.save_draft_now)
            outcome = await _auto_backup(self, journal)
            if outcome.problem:
                self.exit_message = outcome.problem  # printed on the terminal after exit
        if journal is not None:
            await call(self, journal.close)
        elif self.vault is not None:
            self.vault.close()
        self.journal = None
        self.vault = None

    async def on_unmount(self) -> None:
        # Whatever path led here, release the journal (checkpoint, close, drop key, unlock file).
        if self.journal is not None:
            self.journal.close()
        elif self.vault is not None:
            self.vault.close()

    # ---- global actions

    def action_help(self) -> None:
        from peerjournal.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_screen(self, name: str) -> None:
        """Open the journal's screen `name` (screens/registry.py), unless it is on top."""
        if self.journal is None or not self.journal.is_unlocked:
            return
        screen_cls = SCREENS[name].load()
        if type(self.screen) is not screen_cls:
            self.push_screen(screen_cls(self.journal))

    @on(OpenEntry)
    def _open_entry(self, message: OpenEntry) -> None:
        self.action_open_entry(message.entry_id)

    def action_open_entry(self, entry_id: str) -> None:
        from peerjournal.tui.screens.entry import EntryScreen

        if self.journal is not None and self.journal.is_unlocked:
            self.push_screen(EntryScreen(self.journal, entry_id))

    def action_new(self, kind: str) -> None:
        self.run_worker(self.open_form(kind), group="open-form")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Only peerjournal's own commands, in its own words: none of Textual's ("Keys",
        # "Maximize", ...), and never its "Screenshot", which would write the screen, notes
        # and all, to an SVG file.
        if self.journal is not None and self.journal.is_unlocked:
            yield from _journal_commands(self)
        yield SystemCommand("Quit", "Close peerjournal (ctrl+q)", self.action_quit)

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        self.bell()
        return None

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError("screenshots are disabled in peerjournal")

    def _fatal_error(self) -> None:
        # Textual's default prints a traceback with local variables: note text and keys
        # would land in the terminal's scrollback. Say what happened, briefly, instead.
        self.bell()
        error = self._exception
        name = type(error).__name__ if error is not None else "error"
        self._exit_renderables.append(
            Text(
                f"peerjournal stopped because of an unexpected error ({name}). No note text "
                "is shown here; everything you saved is safe in the encrypted journal."
            )
        )
        self._close_messages_no_wait()


async def _auto_backup(app: PeerJournalApp, journal: Journal) -> AutoBackupOutcome:
    """The automatic backup, if due, before the key is dropped (locking, quitting). Imported
    here, not at start: `tui.files` brings the backup, export and Markdown code with it, which
    the unlock screen does not need."""
    from peerjournal.tui.files import take_auto_backup

    return await take_auto_backup(app, journal, announce=False)


def _first_reads(journal: Journal, idle_setting: bool) -> tuple[Any, TimelinePage]:
    """Right after unlocking (in a worker): the idle-lock minutes (None when not asked for)
    and the timeline's first page."""
    from peerjournal.tui.screens.timeline import read_first_page

    minutes = journal.setting(IDLE_SETTING, DEFAULT_IDLE_MINUTES) if idle_setting else None
    return minutes, read_first_page(journal)


def _journal_commands(app: PeerJournalApp) -> Iterable[SystemCommand]:
    yield SystemCommand(
        "New session", "Log a support session (n)", lambda: app.action_new("session")
    )
    yield SystemCommand(
        "New reflection",
        "Write a reflection from a template (r)",
        lambda: app.action_new("reflection"),
    )
    yield SystemCommand("Check-in", "How are you doing? (c)", lambda: app.action_new("checkin"))
    yield SystemCommand(
        "New boundary event",
        "A gift, money, contact out of hours ... what I did, how it sat with me (b)",
        lambda: app.action_new("boundary_event"),
    )
    for kind, (title, what) in PALETTE_FORMS.items():
        yield SystemCommand(title, what, functools.partial(app.action_new, kind))
    for entry in SCREENS.values():
        yield SystemCommand(
            entry.title,
            entry.help,
            functools.partial(app.action_open_screen, entry.name),
        )
    yield SystemCommand("Lock", "Lock the journal now (ctrl+l)", app.action_lock)
    yield SystemCommand("Help", "Every key (?)", app.action_help)


def _close_leak_paths(app: App[Any]) -> None:
    """Neutralise Textual features that would write or send screen contents elsewhere,
    whatever the environment says (the entry point also scrubs TEXTUAL* variables)."""
    textual_constants.LOG_FILE = None  # type: ignore[misc]
    textual_constants.SCREENSHOT_DELAY = -1  # type: ignore[misc]
    textual_constants.SCREENSHOT_LOCATION = None  # type: ignore[misc]
    textual_constants.SCREENSHOT_FILENAME = None  # type: ignore[misc]
    textual_constants.PRESS = ""  # type: ignore[misc]
    app.features = frozenset(app.features - {"devtools", "debug"})
    app.devtools = None
    app._devtools_redirector = None


if TYPE_CHECKING:
    # PeerJournalApp is what screens reach through `host(self)`: mypy checks it fits.
    _HOST_CHECK: type[JournalHost] = PeerJournalApp

__all__ = ["CSS_PATH", "STYLESHEETS", "STYLES_DIR", "PeerJournalApp", "on"]

"""A tiny host app for testing one screen on its own, with the app's real stylesheet.

It is a JournalHost (peerjournal.tui.host) like the real app: it relays the journal's
changes on `journal_changed` and carries out the intents of tui/messages.py simply (a form
is pushed; an entry opens in the entry view).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual import on
from textual.app import App
from textual.screen import Screen
from textual.signal import Signal

from peerjournal.core.changes import JournalChange
from peerjournal.core.journal import Journal
from peerjournal.core.kdf import DEFAULT_POLICY
from peerjournal.tui.app import CSS_PATH
from peerjournal.tui.host import ChangeRelay
from peerjournal.tui.messages import EntryDeleted, OpenEntry, OpenForm


class HarnessApp(App[None]):
    CSS_PATH = CSS_PATH

    def __init__(
        self, make_screen: Callable[[], Screen[Any]], *, journal: Journal | None = None
    ) -> None:
        super().__init__()
        self._make_screen = make_screen
        self.results: list[Any] = []
        self.journal = journal
        self.journal_changed: Signal[JournalChange] = Signal(self, "journal-changed")
        self.policy = DEFAULT_POLICY
        self.weak_passphrase_noted = False
        self.exit_message: str | None = None

    @staticmethod
    def today() -> date:
        return date.today()

    def on_mount(self) -> None:
        screen = self._make_screen()
        # The screen's journal, unless one was given: its changes are told to the screens.
        if self.journal is None:
            self.journal = getattr(screen, "journal", None)
        if self.journal is not None:
            self.journal.add_listener(ChangeRelay(self.journal_changed))
        self.push_screen(screen, self.results.append)

    def exit_with_message(self, message: str, code: int = 1) -> None:
        self.exit_message = message
        self.exit(None, return_code=code)

    @on(OpenForm)
    async def _open_form(self, message: OpenForm) -> None:
        from peerjournal.tui.screens.forms import FORMS

        assert self.journal is not None
        aliases = [alias.pseudonym for alias in self.journal.list_aliases()]
        await self.push_screen(
            FORMS[message.kind](
                self.journal, record=message.record, known_aliases=aliases, **message.options
            )
        )

    @on(OpenEntry)
    async def _open_entry(self, message: OpenEntry) -> None:
        await self.open_entry(message.entry_id)

    async def open_entry(self, entry_id: str) -> None:
        from peerjournal.tui.screens.entry import EntryScreen

        assert self.journal is not None
        await self.push_screen(EntryScreen(self.journal, entry_id))

    @on(EntryDeleted)
    def _entry_deleted(self, message: EntryDeleted) -> None:
        self.notify(f"{message.label} deleted.", markup=False, timeout=3)


class OpeningHarness(HarnessApp):
    """A host app that records the entries it is asked to open (as the real app's
    OpenEntry handler would open them), so list screens can be tested without the entry view."""

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__(make_screen)
        self.opened: list[str] = []

    async def open_entry(self, entry_id: str) -> None:
        self.opened.append(entry_id)

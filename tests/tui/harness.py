"""A tiny host app for testing one screen on its own, with the app's real stylesheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

from peerjournal.tui.app import CSS_PATH


class HarnessApp(App[None]):
    CSS_PATH = CSS_PATH

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self._make_screen = make_screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self._make_screen(), self.results.append)


class OpeningHarness(HarnessApp):
    """A host app that records the entries it is asked to open (as the real app's
    `open_entry` would open them), so list screens can be tested without the entry view."""

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__(make_screen)
        self.opened: list[str] = []

    async def open_entry(self, entry_id: str) -> None:
        self.opened.append(entry_id)

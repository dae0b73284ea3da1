"""The app's own keys, which work on every screen: one list for the app and the help screen
(screens never import the app)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("ctrl+l", "lock", "Lock", priority=True),
    Binding("f1", "help", "Help", show=False),
    Binding("ctrl+z", "undo_delete", "Undo delete", show=False),
]


class Everywhere:
    """The app's keys as the help screen lists a screen's: a class with BINDINGS."""

    BINDINGS = APP_BINDINGS

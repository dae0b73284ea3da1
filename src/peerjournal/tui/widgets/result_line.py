"""ResultLine: the line under a form or a section that says what just happened.

"Saved.", "Purging…", "Backup written to …": or, in the theme's error colour, what went wrong
and that nothing was changed. Messages are shown literally (`safety.plain`): they may hold
paths and other text that must never be read as markup.
"""

from __future__ import annotations

from textual.widgets import Static

from peerjournal.tui.safety import plain


class ResultLine(Static):
    """Say an outcome with `say(message, error=...)`; an empty message clears it.

    Classes for a screen's stylesheet: `-error` while it shows a problem, `-shown` while it
    says anything (a section can hide an empty line with `display: none` until then).
    """

    DEFAULT_CSS = """
    ResultLine {
        height: auto;
    }
    ResultLine.-error {
        color: $error;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)

    def say(self, message: str, *, error: bool = False) -> None:
        self.update(plain(message))
        self.set_class(error, "-error")
        self.set_class(bool(message), "-shown")

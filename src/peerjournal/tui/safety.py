"""Safe display of user text and safe handling of secrets in widgets.

User text never goes through Textual's markup parser: `[@click=app.quit]` in a note must stay
words, not become an action. Control characters are stripped again at display time (the core
strips them on the way in; this is the second belt), so escape sequences can never reach the
real terminal.
"""

from __future__ import annotations

from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Input

from peerjournal.core.errors import JournalError
from peerjournal.core.sanitize import sanitize_line, sanitize_text


def plain(text: str) -> Content:
    """User text as literal content: no markup, no control characters."""
    return Content(sanitize_text(text))


def plain_line(text: str) -> Content:
    """Single-line user text (titles, pseudonyms) as literal content."""
    return Content(sanitize_line(text))


def notify_error(
    node: DOMNode, error: JournalError, *, title: str = "", timeout: float | None = None
) -> None:
    """Tell what went wrong in a notification: the core error's own message, literally (its
    messages name fields and paths, never note text; markup is never parsed)."""
    node.app.notify(error.message, title=title, severity="error", markup=False, timeout=timeout)


class PasswordInput(Input):
    """An Input for passphrases: obscured, and it refuses to copy or cut its value."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("password", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def action_copy(self) -> None:
        self.app.bell()

    def action_cut(self) -> None:
        self.app.bell()

    def wipe(self) -> None:
        """Forget the typed value (Python cannot scrub the string; this drops our reference)."""
        self.value = ""

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
from peerjournal.core.printable import printable
from peerjournal.core.sanitize import sanitize_line, sanitize_text


def plain(text: str) -> Content:
    """User text as literal content: no markup, no control characters."""
    return Content(sanitize_text(text))


def plain_line(text: str) -> Content:
    """Single-line user text (titles, pseudonyms) as literal content."""
    return Content(sanitize_line(text))


def error_text(error: JournalError | ValueError | OSError, *, what: str = "The file") -> str:
    """What went wrong, in words that are safe to show.

    A core error says it in its own message (it names fields and paths, never note text); a
    ValueError is a form's or a typed path's problem, raised with our own words naming the
    field; an OSError becomes "`what` could not be written (the system's reason)", the reason
    made printable (it may quote a path).
    """
    if isinstance(error, JournalError):
        return error.message
    if isinstance(error, OSError):
        return f"{what} could not be written ({printable(str(error.strerror or error))})."
    return printable(str(error))  # a ValueError may quote what was typed


def notify_error(
    node: DOMNode,
    error: JournalError | ValueError | OSError,
    *,
    title: str = "",
    prefix: str = "",
    what: str = "The file",
    timeout: float | None = None,
) -> None:
    """Tell what went wrong in a notification, the one way every screen does: `prefix` and
    `error_text(error, what=what)`, literally (markup is never parsed)."""
    message = prefix + error_text(error, what=what)
    node.app.notify(message, title=title, severity="error", markup=False, timeout=timeout)


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

"""Errors are shown one way (issue 15): `notify_error` in tui/safety.py, never a hand-written
`severity="error"` notification elsewhere; its words are safe whatever the error carries."""

from __future__ import annotations

import errno
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from peerjournal.core.errors import InvalidRecord, JournalError
from peerjournal.tui import safety
from peerjournal.tui.safety import error_text, notify_error

_HAND_WRITTEN = re.compile(r"""severity\s*=\s*["']error["']""")


def test_no_error_notice_is_written_by_hand_outside_safety() -> None:
    tui = Path(safety.__file__).parent
    offenders = [
        f"{path.relative_to(tui)}:{number}"
        for path in sorted(tui.rglob("*.py"))
        if path.name != "safety.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _HAND_WRITTEN.search(line)
    ]
    assert offenders == [], "show errors with notify_error (tui/safety.py)"


def test_each_kind_of_error_is_told_in_safe_words() -> None:
    assert error_text(InvalidRecord("Session: field 'notes' is required")) == (
        "Session: field 'notes' is required"
    )
    assert error_text(ValueError("Duration: at most 24 hours.")) == "Duration: at most 24 hours."
    typed = error_text(ValueError("invalid literal for int() with base 10: '5\x1b[2J'"))
    assert "\x1b" not in typed and typed.startswith("invalid literal")
    denied = PermissionError(errno.EACCES, "Permission denied", "/tmp/\x1b]52;c;x\x07.md")
    assert (
        error_text(denied, what="The digest")
        == "The digest could not be written (Permission denied)."
    )
    bare = OSError("no room at /tmp/\x1b]0;title\x07")
    said = error_text(bare)
    assert said.startswith("The file could not be written (") and "\x1b" not in said
    assert "\x07" not in said


def test_notify_error_shows_the_words_literally_as_an_error() -> None:
    shown: list[tuple[str, dict[str, Any]]] = []
    node: Any = SimpleNamespace(
        app=SimpleNamespace(notify=lambda message, **options: shown.append((message, options)))
    )
    notify_error(
        node, JournalError("[@click=app.quit]x[/]"), prefix="Your draft could not be kept: "
    )
    [(message, options)] = shown
    assert message == "Your draft could not be kept: [@click=app.quit]x[/]"
    assert options == {"title": "", "severity": "error", "markup": False, "timeout": None}

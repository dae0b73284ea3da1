"""Outside strings (paths, file names, anything not typed into a form) made safe to print.

A file name can hold any byte but "/" and NUL. `ESC ] 52 ; c ; ... ESC \\` in a backup's name
would set the clipboard when a success message prints it; `ESC ] 0 ;` sets the window title;
a CSI sequence can move the cursor and overwrite what the person just read. Rich strips BEL
but not ESC, and Textual passes both through. So every path and every other outside string
the CLI or the app shows goes through `printable` first.

Unlike `sanitize.sanitize_text`, which *removes* control characters from note text, this
*escapes* them visibly, the way `ls` quotes a strange file name: the person sees that the
name is odd (`report\\e]0;owned\\a.json`), and can still tell two such names apart.

Standard library only, no I/O.
"""

from __future__ import annotations

import os
import re

__all__ = ["printable"]

# The usual short escapes; everything else below gets \xNN or \uNNNN.
_SHORT = {
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
}
# C0 controls, DEL, C1 controls (0x9B and 0x9D are one-character CSI and OSC), the bidi
# embedding/override/isolate controls and marks (they make a name read differently from what
# it is), the line and paragraph separators, and lone surrogates (the undecodable bytes of a
# file name, as Python's surrogateescape hands them over; they cannot be printed at all).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name: show the byte
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str | os.PathLike[str]) -> str:
    """`text` with every control character escaped visibly (`\\e`, `\\x07`, `\\n`, `\\u202e`).

    Printable characters, including every script, emoji and the backslash itself (a Windows
    path separator), are left exactly as they are. Idempotent on its own output.
    """
    return _UNPRINTABLE.sub(_escape, os.fspath(text))

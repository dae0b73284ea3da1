"""Sanitising: free text without control characters, before it is stored or shown.

`sanitize_text` removes control characters so that terminal escape sequences (clipboard writes,
title changes, colour codes) pasted into a note never reach the database or the screen;
`sanitize_line` does the same for single-line fields such as a pseudonym, title or tag. Every
record field passes through them (`models.validate_record`), and the app again on display.

Identifier nudges (likely names, emails, phone numbers) are `core.identifiers`; showing
untrusted text with its controls visible rather than removed is `core.printable`.
Standard library only, no I/O; the patterns compile on first use (`core.patterns`).
"""

from __future__ import annotations

from peerjournal.core.patterns import LazyPattern

__all__ = ["sanitize_line", "sanitize_text"]


# C0 controls except tab (09), newline (0A) and carriage return (0D, turned into a newline
# below), plus DEL and the C1 block. ESC (1B) and BEL (07) are what make `\x1b]52;...\x07`
# a clipboard write, and C1 0x9B/0x9D are single-byte CSI/OSC introducers, so all must go.
# One compiled regex is used rather than str.translate: on typical (mostly clean, often
# non-ASCII) text it is several times faster, and a 5 MB note must stay responsive.
# Also the bidirectional embedding, override and isolate controls (U+202A-202E,
# U+2066-2069): they make displayed text read differently from what is stored ("Trojan
# Source"); right-to-left scripts display correctly without them. LRM/RLM marks are kept.
# And lone surrogates (U+D800-DFFF): not characters at all (JSON's "\ud800" makes one), and
# they cannot be encoded as UTF-8, so the database could not store a note holding one.
_CONTROL_RE = LazyPattern(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+"
)

# Inside a single-line field, any run of whitespace that includes a newline or tab collapses
# to one space, so "a\n\nb" and "a \t b" both become "a b" instead of growing gaps.
_LINE_BREAK_RUN_RE = LazyPattern(r" *[\t\n][ \t\n]*")


def sanitize_text(text: str) -> str:
    """Return `text` without control characters, with line endings normalised to ``\\n``.

    Keeps newlines and tabs and every printable character (emoji, right-to-left scripts,
    combining marks, ``[markup]``) exactly as typed; drops bidi override controls. Idempotent.
    """
    # Controls go first so that a stray control between "\r" and "\n" cannot leave a
    # doubled line break behind.
    cleaned = _CONTROL_RE.sub("", text)
    if "\r" in cleaned:
        # Windows "\r\n" and old Mac "\r" both become "\n" so pasted text keeps its lines.
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned


def sanitize_line(text: str) -> str:
    """Like `sanitize_text`, for single-line fields (pseudonym, title, tag).

    Newlines and tabs become single spaces and surrounding whitespace is stripped.
    """
    return _LINE_BREAK_RUN_RE.sub(" ", sanitize_text(text)).strip()

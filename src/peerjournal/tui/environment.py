"""Scrubbing Textual's environment variables, before textual is imported.

Textual reads TEXTUAL_* variables when its modules load: TEXTUAL_LOG writes a log file,
TEXTUAL_SCREENSHOT saves the screen to an SVG, TEXTUAL=devtools connects to a devtools server,
TEXTUAL_DEBUG/TEXTUAL_DRIVER change behaviour. None of that belongs near note text, so the
entry point removes them all first. This module must not import textual.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping


def scrub_textual_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    for name in list(environ):
        if name.startswith("TEXTUAL"):
            del environ[name]

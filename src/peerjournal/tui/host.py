"""How a screen reaches the app: `host(self)`, typed, and the `journal_changed` signal.

Screens take their Journal in the constructor and hand results back with `dismiss()`. For
the little they need from the app they use `host(self)`, which is the app as a `JournalHost`
(the protocol below, which PeerJournalApp implements: mypy checks it in app.py). Nothing
here imports the app, so no screen module does: the app imports screens, never the reverse.

- Reading: `host(self).today()`, `host(self).policy`.
- Asking the app to do something: post a message from `peerjournal.tui.messages`.
- Refreshing after the journal changed (whoever changed it): `watch_journal(self, callback)`
  in `on_mount`; the callback gets a `JournalChange` after every committed write.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import date
from typing import Protocol, cast

from textual.dom import DOMNode
from textual.signal import Signal

from peerjournal.core.changes import JournalChange
from peerjournal.core.kdf import KdfPolicy


class JournalHost(Protocol):
    """What a screen may ask of the app it runs in."""

    # Published after every committed write to the journal: what it changed.
    journal_changed: Signal[JournalChange]
    # The KDF policy for new passphrases (tests use cheap parameters).
    policy: KdfPolicy
    # The app's "today" (tests fix it).
    today: Callable[[], date]
    # "Your passphrase is weak" is said once per run of the app.
    weak_passphrase_noted: bool

    def exit_with_message(self, message: str, code: int = 1) -> None:
        """Leave the app, printing `message` on the terminal."""


def host(node: DOMNode) -> JournalHost:
    """The app that `node` runs in, as a JournalHost."""
    return cast(JournalHost, node.app)


def today_for(node: DOMNode) -> date:
    """The app's idea of today."""
    return host(node).today()


def watch_journal(node: DOMNode, callback: Callable[[JournalChange], object]) -> None:
    """Call `callback` (on `node`, after its pending messages) whenever the journal changed.

    Call it from `on_mount`; the subscription ends when the node is removed.
    """
    host(node).journal_changed.subscribe(node, callback)


class ChangeRelay:
    """Publishes a journal's changes on the app's `journal_changed` signal.

    The journal tells its listeners in the thread that wrote (a worker thread, mostly); a
    signal must be published on the app's event loop, so the change is handed over without
    waiting. Create it while the loop runs (in `on_mount`) and give it to every journal the
    app opens: `journal.add_listener(relay)` (adding the same relay twice is a no-op).
    """

    def __init__(self, signal: Signal[JournalChange]) -> None:
        self._signal = signal
        self._loop = asyncio.get_running_loop()

    def __call__(self, change: JournalChange) -> None:
        # RuntimeError: the app's loop has closed, and nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._signal.publish, change)


__all__ = ["ChangeRelay", "JournalHost", "host", "today_for", "watch_journal"]

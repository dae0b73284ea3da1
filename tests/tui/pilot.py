"""Pilot helpers, in one place: waiting for the app to catch up, never for a time.

Workers run in threads and a loaded machine is slow, so tests wait for a condition, polling
briefly, with a generous deadline that only stops a test that would otherwise hang.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled, WorkerFailed

DEADLINE_SECONDS = 60.0  # a hang guard, not a speed requirement


async def settle(app: App[Any], pilot: Pilot[Any], *, rounds: int = 3) -> None:
    """Wait until workers are done and the screen has caught up (never call it while a
    dialog is waiting for an answer: its worker would not finish)."""
    for _ in range(rounds):
        await workers_done(app)
        await pilot.pause()


async def workers_done(app: App[Any]) -> None:
    """Wait for every worker to finish, whatever its outcome. A `call` worker that failed
    (a refused save) has given its error to the code that awaited it, which handles it;
    waiting must not raise it a second time into the test."""
    for worker in list(app.workers):
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()


async def wait_until(
    pilot: Pilot[Any],
    condition: Callable[[], bool],
    what: str = "the condition",
    *,
    seconds: float = DEADLINE_SECONDS,
) -> None:
    """Let the app run until `condition` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


async def wait_for_notice(pilot: Pilot[Any], words: str) -> None:
    """Wait until a notification containing `words` has been shown (notify is a message)."""
    app = pilot.app
    await wait_until(
        pilot, lambda: any(words in n.message for n in app._notifications), repr(words)
    )


async def wait_for_screen(pilot: Pilot[Any], screen_type: type[Screen[Any]]) -> Screen[Any]:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), screen_type.__name__)
    await pilot.pause()
    return app.screen


__all__ = ["settle", "wait_for_notice", "wait_for_screen", "wait_until"]

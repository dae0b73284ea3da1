"""Running Journal methods off the UI thread.

Argon2 and SQL block; the UI must not. `call` runs a function in a Textual thread worker and
awaits its result, re-raising the function's own exception (so screens can catch the core's
typed errors). The Journal serialises its connection with a lock, so concurrent workers are safe.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import WorkerCancelled, WorkerFailed

T = TypeVar("T")


async def call(node: DOMNode, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    worker = node.app.run_worker(
        functools.partial(fn, *args, **kwargs),
        thread=True,
        exit_on_error=False,
        group="journal",
        description=getattr(fn, "__name__", "journal call"),
    )
    try:
        return await worker.wait()
    except WorkerCancelled:
        # The app is shutting down (or the call was cancelled): cancel the caller too,
        # rather than reporting an error.
        raise asyncio.CancelledError() from None
    except WorkerFailed as failed:
        raise failed.error from None

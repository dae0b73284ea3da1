"""Headless TUI probe, run by `run.py` in a fresh interpreter per measurement.

It starts the way `peerjournal` does (imports the CLI, hardens the process, scrubs TEXTUAL*
variables, imports the app), runs `PeerJournalApp` headless at 120x36, and records:

- launch -> unlock screen: from the parent's clock reading just before it started this process
  (CLOCK_MONOTONIC is system-wide) to the moment the UnlockScreen is the active screen;
- unlock -> first page: from pressing Enter on the passphrase to the first frame the app
  composes with the timeline's entries in it (this includes the real Argon2 derivation with the
  journal's parameters). The key goes in without waiting for the app to settle (Pilot's
  `press` waits until the process is idle, which while Argon2 hashes is after the timeline has
  been drawn), and the frame is noticed where the app hands it to the driver (`App._display`,
  the first frame while the timeline screen, its view holding entries, is the active screen;
  the probe imports none of the app's screens itself, so their imports count where the app
  does them). Headless, the driver writes nothing: turning that frame into escape sequences
  for a real terminal is not included;
- RSS: VmRSS with the timeline open after paging back through `--pages` pages;
- peak RSS with the timeline open: VmHWM is reset once the timeline shows (`5` written to
  /proc/self/clear_refs, Linux 4.0+) and read after the paging; where the kernel refuses the
  reset, the largest VmRSS read after each page instead;
- Argon2id inside the app: `hash_secret_raw`, as the app's key derivation calls it, is timed
  in this process, so the unlock is split into Enter -> Argon2id's start, Argon2id itself, and
  Argon2id's end -> first page (what the person waits for beyond the derivation, free of the
  noise of subtracting an Argon2id timed in another process);
- peak RSS up to the first page: VmHWM before that reset, which includes Argon2's memory-hard
  buffer during unlock.

The passphrase is read from stdin. With `--plain` the journal is opened as a plain SQLite file
(see bench_plain.py). The result is written as JSON to `--out`.
"""

from __future__ import annotations

import time

PROCESS_STARTED = time.monotonic()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from bench_memory import reset_peak, status_kib  # noqa: E402


async def _until(condition: Any, timeout: float, step: float = 0.002) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


class _FirstPage:
    """Notices the first frame the app hands to its driver while the timeline screen is the
    active screen and its TimelineView holds entries: the first page drawn. (The view's module
    is not imported here: the app imports it itself, and when it does is part of what is
    measured.)"""

    def __init__(self, app: Any) -> None:
        self.drawn_at: float | None = None
        self.drawn_cpu: float | None = None  # process CPU time (all threads) at that frame
        display = app._display

        def display_noticed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if self.drawn_at is None and renderable is not None and _has_entries(screen):
                self.drawn_at = time.monotonic()
                self.drawn_cpu = time.process_time()

        app._display = display_noticed


def _has_entries(screen: Any) -> bool:
    """Whether `screen` is the timeline with entries in its view (rendered in this frame: the
    timeline screen shows its first page when it is mounted, before its first frame)."""
    if type(screen).__name__ != "TimelineScreen":
        return False
    views = screen.query("#timeline-view")
    return bool(views and getattr(views.first(), "items", None))


class _Argon2Clock:
    """Times each call of the key derivation's `hash_secret_raw`, as the app makes it."""

    def __init__(self) -> None:
        from peerjournal.core import kdf

        self.spans: list[tuple[float, float]] = []
        hash_secret_raw = kdf.hash_secret_raw

        def timed(*args: Any, **kwargs: Any) -> bytes:
            started = time.monotonic()
            try:
                return hash_secret_raw(*args, **kwargs)
            finally:
                self.spans.append((started, time.monotonic()))

        kdf.hash_secret_raw = timed  # type: ignore[assignment]


async def _probe(args: argparse.Namespace, passphrase: str, started: float) -> dict[str, Any]:
    import peerjournal.cli  # noqa: F401  (the real entry point's imports count)
    from peerjournal.core.kdf import DEFAULT_POLICY, KdfParams, KdfPolicy
    from peerjournal.core.platform import harden_process

    harden_process()
    if args.plain:
        from bench_plain import use_plain_sqlite

        use_plain_sqlite()
    from peerjournal.tui.environment import scrub_textual_environment

    scrub_textual_environment()
    from peerjournal.tui.app import PeerJournalApp

    imported = time.monotonic()
    argon2 = _Argon2Clock()
    if args.kdf:
        params = KdfParams(*(int(part) for part in args.kdf.split(",")))
        policy = KdfPolicy(floor=params, calibrate=False)
    else:
        policy = DEFAULT_POLICY
    app = PeerJournalApp(Path(args.home), policy=policy)
    first_page = _FirstPage(app)
    result: dict[str, Any] = {}
    async with app.run_test(headless=True, size=(120, 36)) as pilot:
        if not await _until(lambda: type(app.screen).__name__ == "UnlockScreen", 30):
            raise RuntimeError(f"no unlock screen (got {type(app.screen).__name__})")
        at_unlock_screen = time.monotonic()
        result["rss_unlock_screen_kib"] = status_kib("VmRSS")
        app.screen.query_one("#passphrase").value = passphrase  # type: ignore[attr-defined]
        entered = time.monotonic()
        entered_cpu = time.process_time()
        pressing = asyncio.create_task(pilot.press("enter"))
        if not await _until(lambda: first_page.drawn_at is not None, 120):
            raise RuntimeError(f"the timeline did not appear (at {type(app.screen).__name__})")
        await pressing
        await pilot.pause()
        result["rss_first_page_kib"] = status_kib("VmRSS")
        result["peak_rss_kib"] = status_kib("VmHWM")  # includes Argon2's buffer, freed by now
        peak_was_reset = reset_peak()
        sampled_peak = status_kib("VmRSS")
        view: Any = app.screen.query_one("#timeline-view")
        result["focus_after_unlock"] = type(app.focused).__name__ if app.focused else None
        view.focus()  # the screen's auto-focus may have picked a filter
        await pilot.pause()
        for _ in range(args.pages):
            loaded = len(view.items)
            await pilot.press("end")
            await _until(lambda n=loaded: len(view.items) > n or view.exhausted, 30)
            sampled_peak = max(sampled_peak, status_kib("VmRSS"))
            if view.exhausted:
                break
        await pilot.pause()
        result.update(
            {
                "loaded_items": len(view.items),
                "rss_timeline_kib": status_kib("VmRSS"),
                "peak_rss_timeline_kib": status_kib("VmHWM") if peak_was_reset else sampled_peak,
                "peak_rss_timeline_method": "VmHWM reset" if peak_was_reset else "VmRSS per page",
                "start_ms": (PROCESS_STARTED - started) * 1000,
                "imports_ms": (imported - started) * 1000,
                "launch_to_unlock_screen_ms": (at_unlock_screen - started) * 1000,
                "unlock_to_first_page_ms": (first_page.drawn_at - entered) * 1000,  # type: ignore[operator]
                # CPU time of the whole process (Argon2id's threads included) over the same span.
                "unlock_to_first_page_cpu_ms": (first_page.drawn_cpu - entered_cpu) * 1000,  # type: ignore[operator]
                "modules": len(sys.modules),
                # The derivation done for this unlock (the last before the first page).
                "enter_to_argon2_ms": (argon2.spans[-1][0] - entered) * 1000,
                "argon2_in_app_ms": (argon2.spans[-1][1] - argon2.spans[-1][0]) * 1000,
                "argon2_to_first_page_ms": (first_page.drawn_at - argon2.spans[-1][1]) * 1000,  # type: ignore[operator]
            }
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--started", type=float, required=True, help="parent's time.monotonic()")
    parser.add_argument("--out", required=True)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--kdf", default="", help="m,t,p to accept (default: DEFAULT_POLICY)")
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    passphrase = sys.stdin.readline().rstrip("\n")
    result = asyncio.run(_probe(args, passphrase, args.started))
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()

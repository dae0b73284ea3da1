"""Snapshot tests of the main screens at 80x24 and 120x36.

Deterministic: a fixed journal path, fixed demo data and "today", UTC, no cursor blink.
Review an SVG before accepting it: `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from peerjournal.core.journal import Journal
from peerjournal.tui.app import PeerJournalApp
from tests.conftest import PASSPHRASE, TEST_POLICY

SIZES = [(80, 24), (120, 36)]
TODAY = date(2026, 11, 27)


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A journal folder whose path is the same on every run (it is shown on screen)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    root = Path(tempfile.gettempdir()) / "peerjournal-snapshots"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(mode=0o700)
    try:
        yield root / "journal"
    finally:
        shutil.rmtree(root, ignore_errors=True)
        monkeypatch.undo()
        time.tzset()


def still(pilot: Pilot[object]) -> None:
    pilot.app.animation_level = "none"  # no smooth scrolling caught half-way
    for widget in pilot.app.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.query(TextArea):
        area.cursor_blink = False


def make(home: Path) -> PeerJournalApp:
    return PeerJournalApp(home, policy=TEST_POLICY, today=lambda: TODAY)


@pytest.mark.parametrize("size", SIZES)
def test_create_screen(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        still(pilot)
        await pilot.press(*"short")
        await pilot.pause()

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_unlock_screen_after_a_wrong_passphrase(
    snap_compare, fixed_home: Path, size: tuple[int, int]
) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    async def run_before(pilot: Pilot[object]) -> None:
        still(pilot)
        await pilot.press(*"wrong words", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


def _demo_journal(home: Path) -> None:
    from peerjournal.core.demo import fill_demo_journal

    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill_demo_journal(journal, today=TODAY)


async def _unlocked(pilot: Pilot[object]) -> None:
    still(pilot)
    while pilot.app.screen.id != "unlock":
        await pilot.pause(0.05)
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = PASSPHRASE
    await pilot.press("enter")
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)  # let layout settle (wrapped side-panel text can reflow once)
    still(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_timeline(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=_unlocked)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_new_session_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("n")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        # The form defaults to "now": pin it so the snapshot is stable.
        pilot.app.screen.query_one("#when_date", Input).value = "2026-11-27"
        pilot.app.screen.query_one("#when_time", Input).value = "14:00"
        still(pilot)
        await pilot.pause()
        await _settled(pilot)  # the form reads the aliases before it is shown: let it finish

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_alias_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("a")  # aliases, the first one highlighted
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("e")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        still(pilot)
        await pilot.pause()

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


async def _settled(pilot: Pilot[object]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    still(pilot)
    await pilot.pause()


def _after_keys(*keys: str):  # type: ignore[no-untyped-def]
    """run_before: unlock the demo journal, press `keys` (waiting after each), settle."""

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        for key in keys:
            await pilot.press(key)
            await _settled(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_follow_ups(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=_after_keys("f"))


@pytest.mark.parametrize("size", SIZES)
def test_aliases(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=_after_keys("a"))


@pytest.mark.parametrize("size", SIZES)
def test_search_results(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("slash")
        await _settled(pilot)
        await pilot.press(*"river")
        await pilot.pause(0.5)  # the search waits for a pause in typing
        await _settled(pilot)
        pilot.app.screen.query_one("#search-results").focus()  # no blinking input cursor
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_entry_view(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)
    keys = ("down", "down", "down", "enter")  # a session
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=_after_keys(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_checkin_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    async def run_before(pilot: Pilot[object]) -> None:
        await _after_keys("c", "4")(pilot)
        # The check-in defaults to "now": pin it so the snapshot is stable.
        pilot.app.screen.query_one("#at_date", Input).value = "2026-11-27"
        pilot.app.screen.query_one("#at_time", Input).value = "21:00"
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reflection_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("r")
        await _settled(pilot)
        pilot.app.screen.query_one("#template").value = "gibbs"  # type: ignore[attr-defined]
        pilot.app.screen.query_one("#occurred_on", Input).value = "2026-11-27"
        pilot.app.screen.query_one("#body", TextArea).focus()  # under the first heading
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)

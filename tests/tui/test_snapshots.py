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
from textual.widgets import Input, OptionList, Select, TextArea

from peerjournal.core.journal import Journal
from peerjournal.core.kdf import KdfPolicy
from peerjournal.core.models import ConfidentialityEvent, Reflection, Session
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
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
        # A blink tick already queued can hide the cursor after blinking stops: pin it on.
        widget._cursor_visible = True
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
        area._cursor_visible = True
        # Textual's line cache keys a line on the cursor only while it blinks: a line cached
        # in a blink's dark half would be reused without the cursor. Draw afresh.
        area._line_cache.clear()
        area.refresh()


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
def test_create_screen_with_a_weak_passphrase(
    snap_compare, fixed_home: Path, size: tuple[int, int]
) -> None:
    """The meter's words (and the refusal) fit, at 80x24 too. A calibrating policy makes the
    time per guess the calibration target (1 s), not a timing; nothing is created here."""

    async def run_before(pilot: Pilot[object]) -> None:
        still(pilot)
        await pilot.press(*"Summer2026!!")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("enter", *"Summer2026!!", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = PeerJournalApp(fixed_home, policy=KdfPolicy(floor=TEST_POLICY.floor), today=lambda: TODAY)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


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


async def _settled(pilot: Pilot[object]) -> None:
    """Workers done, the screen caught up, cursors still."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    still(pilot)
    await pilot.pause()


async def _animated(pilot: Pilot[object]) -> None:
    """Workers done and animations over (a tab's underline, wrapped text reflowing once)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)
    still(pilot)


async def _unlocked(pilot: Pilot[object]) -> None:
    still(pilot)
    while pilot.app.screen.id != "unlock":
        await pilot.pause(0.05)
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = PASSPHRASE
    await pilot.press("enter")
    await _animated(pilot)


def _after_keys(*keys: str):  # type: ignore[no-untyped-def]
    """run_before: unlock the demo journal, press `keys` (waiting after each), settle."""

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        for key in keys:
            await pilot.press(key)
            await _settled(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_timeline(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=_unlocked)


@pytest.mark.parametrize("size", SIZES)
def test_timeline_in_a_light_theme(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    """Issue 15: colours come from the theme's variables, so a light theme reads as well
    (title bar, filters, flagged rows, due-soon panel, footer)."""
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        pilot.app.theme = "textual-light"
        await _unlocked(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    run_before = _after_keys("question_mark")
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_new_session_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY).close()

    async def run_before(pilot: Pilot[object]) -> None:
        await _after_keys("n")(pilot)
        # The form defaults to "now": pin it so the snapshot is stable.
        pilot.app.screen.query_one("#when_date", Input).value = "2026-11-27"
        pilot.app.screen.query_one("#when_time", Input).value = "14:00"
        still(pilot)
        await pilot.pause()
        await _settled(pilot)  # the form reads the aliases before it is shown: let it finish
        still(pilot)  # the first field took focus meanwhile, and a blink tick could hide it
        await pilot.pause()

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_alias_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)

    run_before = _after_keys("a", "e")  # aliases, the first one highlighted; its form
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_alias_form_dual_relationship(
    snap_compare, fixed_home: Path, size: tuple[int, int]
) -> None:
    """The demo's neighbour (Jules, the first alias): kinds, the plan agreed, its dates."""
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("a")
        await _settled(pilot)
        await pilot.press("e")
        await _settled(pilot)
        screen = pilot.app.screen
        screen.set_focus(screen.query_one("#knows_me_outside_work"), scroll_visible=False)
        screen.query_one("#dual_status").scroll_visible(animate=False, top=False)
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_boundary_event_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("b")
        await _settled(pilot)
        screen = pilot.app.screen
        screen.query_one("#what", Select).value = "gift"
        screen.query_one("#alias", Input).value = "Jules"
        screen.query_one("#response", TextArea).load_text(
            "Thanked them and explained the gift policy."
        )
        # Focus on a Select, not a text field: no blinking text cursor in the picture.
        screen.set_focus(screen.query_one("#what"), scroll_visible=False)
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


async def _settled(pilot: Pilot[object]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    still(pilot)
    await pilot.pause()


@pytest.mark.parametrize("occasion", ["limits_reached", "concern"])
@pytest.mark.parametrize("size", SIZES)
def test_confidentiality_form(
    snap_compare, fixed_home: Path, size: tuple[int, int], occasion: str
) -> None:
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        app = pilot.app
        assert isinstance(app, PeerJournalApp) and app.journal is not None
        sessions = [s for s in app.journal.all_records(Session) if s.safety_flag != "none"]
        session = next(
            s for s in sessions if (s.safety_flag == "concern") == (occasion == "concern")
        )
        await app.open_form(
            "confidentiality_event",
            session_id=session.id,
            alias_id=session.alias_id,
            occasion=occasion,
        )
        await _settled(pilot)
        app.screen.query_one("#at_date", Input).value = "2026-11-27"
        app.screen.query_one("#at_time", Input).value = "14:00"
        # Focus on a Select, not a text field: a blinking text cursor made this one flaky.
        app.screen.set_focus(app.screen.query_one("#category"), scroll_visible=False)
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_digest_review(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        app = pilot.app
        assert isinstance(app, PeerJournalApp) and app.journal is not None
        app.journal.save(  # something left for the review to list
            Reflection(
                id="0b9a2f7e-1c3d-4e5f-8a9b-0c1d2e3f4a99",
                occurred_on="2026-11-26",
                title="Before supervision",
                body='They saw the GP on Tuesday about 30 tablets; "never again", they said.',
                for_supervision=True,
            )
        )
        await pilot.app.run_action("open_screen('digest')")
        await _settled(pilot)
        pilot.app.screen.query_one("#digest-since").value = "2026-09-01"  # type: ignore[attr-defined]
        pilot.app.screen.query_one("#digest-since").focus()
        await pilot.press("enter")
        await _settled(pilot)
        pilot.app.screen.query_one("#digest-candidates").focus()
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_aliases_with_events(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        app = pilot.app
        assert isinstance(app, PeerJournalApp) and app.journal is not None
        await pilot.press("a")
        await _settled(pilot)
        # The alias whose session reached the limits of confidentiality.
        (event,) = [
            e
            for e in app.journal.all_records(ConfidentialityEvent)
            if e.occasion == "limits_reached"
        ]
        listing = app.screen.query_one("#alias-list", OptionList)
        listing.highlighted = listing.get_option_index(event.alias_id or "")
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_my_wellbeing(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    """The demo's twelve weeks: steady, a busier stretch with stress rising, recovery."""
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("w")
        await _animated(pilot)  # the tabs' underline slides to the active tab

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


def test_my_wellbeing_strain_notice(snap_compare, fixed_home: Path) -> None:
    """Six of the last seven check-ins with stress 4 or 5: one calm line, no verdict."""
    from peerjournal.core.models import CheckIn, new_id

    with Journal.create(fixed_home, PASSPHRASE, policy=TEST_POLICY) as journal:
        for days, stress in enumerate((5, 4, 4, 2, 5, 4, 5)):
            journal.save(
                CheckIn(
                    id=new_id(),
                    at=f"2026-11-{27 - days:02d}T20:00:00+00:00",
                    mood=2,
                    energy=2,
                    stress=stress,
                    self_care="Early night" if days % 2 else "",
                )
            )

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        await pilot.press("w")
        await _animated(pilot)  # the tabs' underline slides to the active tab

    assert snap_compare(make(fixed_home), terminal_size=(80, 24), run_before=run_before)


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
        await _after_keys("slash")(pilot)
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
        await _after_keys("r")(pilot)
        pilot.app.screen.query_one("#template").value = "gibbs"  # type: ignore[attr-defined]
        pilot.app.screen.query_one("#occurred_on", Input).value = "2026-11-27"
        pilot.app.screen.query_one("#body", TextArea).focus()  # under the first heading
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_debrief_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    """As offered after the demo's limits-reached session: linked to it, nothing chosen."""
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _unlocked(pilot)
        app = pilot.app
        assert isinstance(app, PeerJournalApp) and app.journal is not None
        session = next(
            s for s in app.journal.all_records(Session) if s.safety_flag == "limits_reached"
        )
        await app.open_form("debrief", session_id=session.id)
        await _settled(pilot)
        app.screen.query_one("#at_date", Input).value = "2026-11-27"
        app.screen.query_one("#at_time", Input).value = "16:30"
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_prepare_for_supervision(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    """What is waiting for supervision in the demo journal, one of it left for next time."""
    _demo_journal(fixed_home)
    keys = ("p", "down", "space")
    assert snap_compare(make(fixed_home), terminal_size=size, run_before=_after_keys(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_supervision_form(snap_compare, fixed_home: Path, size: tuple[int, int]) -> None:
    """The record of a supervision, filled in with the items brought."""
    _demo_journal(fixed_home)

    async def run_before(pilot: Pilot[object]) -> None:
        await _after_keys("p", "down", "space", "r")(pilot)
        screen = pilot.app.screen
        screen.query_one("#supervisor_role", Input).value = "peer supervisor"
        screen.query_one("#actions", TextArea).load_text(
            "read the lone working policy\nask about a debrief rota"
        )
        screen.query_one("#next_date", Input).value = "2026-12-03"
        screen.query_one("#notes", TextArea).focus()
        await _settled(pilot)

    assert snap_compare(make(fixed_home), terminal_size=size, run_before=run_before)

"""The timeline pages from the database: 100k entries never all come into memory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, Reflection, Session, new_id
from peerjournal.tui.widgets.timeline_view import TimelineView, friendly_when
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app, unlock
from tests.tui.pilot import settle

ENTRIES = 100_000


def bulk_checkins(journal: Journal, count: int) -> None:
    """Insert check-ins directly (tests may use SQL; the app never does). Triggers keep the
    timeline and search index in step, exactly as for records saved through the API."""
    start = datetime(2006, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        moment = start + timedelta(minutes=90 * i)
        rows.append(
            (
                str(uuid.UUID(int=i + 1)),
                moment.isoformat(),
                int(moment.timestamp() * 1_000_000),
                1 + i % 5,
                3,
                2,
                f"walk number {i}",
            )
        )
    conn = journal.vault.connection
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO checkins (id, at, sort_ts, mood, energy, stress, self_care) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")


@pytest.mark.slow
async def test_opening_and_scrolling_100k_entries_loads_only_pages(home: Path) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        bulk_checkins(journal, ENTRIES)
    loaded: list[int] = []
    original = Journal.timeline

    def counting_timeline(self: Journal, **kwargs: object):  # type: ignore[no-untyped-def]
        page = original(self, **kwargs)
        loaded.append(len(page.items))
        return page

    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        Journal.timeline = counting_timeline  # type: ignore[method-assign]
        try:
            await unlock(app, pilot)
            view = app.screen.query_one(TimelineView)
            assert view.items[0].preview == f"walk number {ENTRIES - 1}"
            for _ in range(30):
                await pilot.press("pagedown")
            await settle(app, pilot)
            await pilot.press("end")
            await settle(app, pilot)
        finally:
            Journal.timeline = original  # type: ignore[method-assign]
        previews = [item.preview for item in view.items]
        # Contiguous, newest first, no repeats, and far from everything.
        assert previews == [f"walk number {ENTRIES - 1 - i}" for i in range(len(previews))]
        assert len(view.items) == sum(loaded)
        assert 30 * 14 < len(view.items) < 2_000
        assert view.cursor > 400


async def test_filters_by_kind_alias_and_tag(home: Path) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        river = journal.save(Alias(id=new_id(), pseudonym="River"))
        journal.save(
            Session(
                id=new_id(),
                alias_id=river.id,
                occurred_at="2026-11-20T10:00:00+00:00",
                goal_focus="housing",
                tags=["housing"],
            )
        )
        journal.save(
            Session(id=new_id(), occurred_at="2026-11-21T10:00:00+00:00", goal_focus="group")
        )
        journal.save(Reflection(id=new_id(), occurred_on="2026-11-22", title="Thinking"))
    app = make_app(home)
    async with app.run_test(size=(120, 32)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        assert [i.kind for i in view.items] == ["reflection", "session", "session"]
        from textual.widgets import Input, Select

        app.screen.query_one("#kind-filter", Select).value = "session"
        await settle(app, pilot)
        assert [i.kind for i in view.items] == ["session", "session"]
        app.screen.query_one("#alias-filter", Select).value = river.id
        await settle(app, pilot)
        assert [i.alias for i in view.items] == ["River"]
        app.screen.query_one("#alias-filter", Select).clear()
        app.screen.query_one("#kind-filter", Select).value = "all"
        tag = app.screen.query_one("#tag-filter", Input)
        tag.value = "#housing"
        tag.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert [i.preview for i in view.items] == ["housing"]


async def test_an_empty_journal_says_what_to_do(home: Path) -> None:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        text = "".join(s.text for s in view.render_line(1))
        assert "Press n to log a session" in text


def test_friendly_when() -> None:
    assert friendly_when("2026-11-20") == "Fri 20 Nov 2026"
    assert friendly_when("not a date [x]") == "not a date [x]"


async def test_after_unlock_the_first_frame_already_shows_entries(home: Path) -> None:
    # The app reads the first page in the same worker trip as the idle setting, before it
    # builds the screen, so the screen's first frame has entries: the timeline does not
    # read it again (nor cover the list with a loading indicator meanwhile).
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        bulk_checkins(journal, 3)
    screens_when_read: list[str | None] = []
    original = Journal.timeline

    def recording_timeline(self: Journal, **kwargs: object):  # type: ignore[no-untyped-def]
        screens_when_read.append(app.screen.id)
        return original(self, **kwargs)

    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        Journal.timeline = recording_timeline  # type: ignore[method-assign]
        try:
            await unlock(app, pilot)
        finally:
            Journal.timeline = original  # type: ignore[method-assign]
        view = app.screen.query_one(TimelineView)
        assert [item.preview for item in view.items] == [f"walk number {i}" for i in (2, 1, 0)]
        assert screens_when_read == ["unlock"]  # read once, before the timeline existed


async def test_a_timeline_given_its_first_page_shows_it_on_mount(journal: Journal) -> None:
    from peerjournal.tui.screens.timeline import TimelineScreen, read_first_page
    from tests.tui.harness import HarnessApp

    bulk_checkins(journal, 2)
    page = read_first_page(journal)
    shown_on_mount: list[int] = []

    class Probe(TimelineScreen):
        def on_mount(self) -> None:
            super().on_mount()
            shown_on_mount.append(len(self.query_one(TimelineView).items))

    app = HarnessApp(lambda: Probe(journal, first_page=page))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
    assert shown_on_mount == [2]


async def test_fetching_a_page_does_not_cover_the_timeline_with_a_spinner(home: Path) -> None:
    # Widget.loading is Textual's own reactive: setting it mounts a LoadingIndicator over the
    # whole timeline. The view's own "a page is on its way" flag must be something else.
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        bulk_checkins(journal, 200)
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        assert not view.exhausted
        view.cursor = len(view.items) - 1  # near the end: asks for the next page
        assert view.fetching
        assert view.loading is False
        await settle(app, pilot)
        assert len(view.items) > 60


async def test_end_goes_to_the_oldest_entry_at_once_with_no_sideways_scrollbar(
    home: Path,
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        bulk_checkins(journal, 200)  # more than three pages
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        await pilot.press("end")
        for _ in range(10):
            await settle(app, pilot)
        assert view.exhausted and len(view.items) == 200
        assert view.cursor == 199
        assert view.items[-1].preview == "walk number 0"
        assert not view.show_horizontal_scrollbar
        last_line = view.scroll_offset.y + view.scrollable_content_region.height - 1
        assert last_line == len(view.items) * 2 - 1  # the oldest entry's second line shows


async def test_a_flagged_session_keeps_its_alias_in_sight_at_80_columns(home: Path) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        river = journal.save(Alias(id=new_id(), pseudonym="Riverbend"))
        journal.save(
            Session(
                id=new_id(),
                alias_id=river.id,
                occurred_at="2026-11-20T10:00:00+00:00",
                duration_min=45,
                safety_flag="limits_reached",
            )
        )
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        line = "".join(segment.text for segment in view.render_line(0))
        assert "Riverbend" in line and "…" in line


async def test_a_narrow_timeline_says_what_is_due_in_its_title(home: Path) -> None:
    from datetime import date

    from textual.widgets import Static

    from peerjournal.core.models import FollowUp

    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        for days in (-3, -1, 2):
            due = (date.today() + timedelta(days=days)).isoformat()
            journal.save(FollowUp(id=new_id(), due_on=due, action="ring"))
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        title = str(app.screen.query_one("#title-bar", Static).visual)
        assert "due soon: 3, 2 overdue (f)" in title
    app = make_app(home)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        title = str(app.screen.query_one("#title-bar", Static).visual)
        assert "due soon" not in title  # the panel at the side says it


async def test_the_footer_puts_help_quit_and_lock_before_the_rest(home: Path) -> None:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        shown = [key for key, active in app.screen.active_bindings.items() if active.binding.show]
        assert shown[:7] == ["n", "r", "c", "slash", "question_mark", "q", "ctrl+l"]
        # ... and ctrl+l still locks (the app's binding runs).
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert app.screen.id == "unlock"


async def test_a_for_supervision_filter_and_x_clears_every_filter(home: Path) -> None:
    from textual.widgets import Input, Select

    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        marked = journal.save(
            Reflection(id=new_id(), occurred_on="2026-11-20", title="Bring", for_supervision=True)
        )
        journal.save(Reflection(id=new_id(), occurred_on="2026-11-21", title="Keep"))
        journal.save(Session(id=new_id(), occurred_at="2026-11-22T10:00:00+00:00", notes="s"))
    app = make_app(home)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        app.screen.query_one("#kind-filter", Select).value = "for_supervision"
        await settle(app, pilot)
        assert [item.id for item in view.items] == [marked.id]
        app.screen.query_one("#tag-filter", Input).value = "nothing"
        view.focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert len(view.items) == 3
        assert app.screen.query_one("#kind-filter", Select).value == "all"
        assert app.screen.query_one("#tag-filter", Input).value == ""


async def test_up_and_down_in_the_alias_filter_go_round_past_any_alias(home: Path) -> None:
    """Issue 16: Up in the alias filter did not get past "Any alias". From "Any alias" Up
    goes on to the last alias (Down from the last comes back), the way a person scrolls a
    short list; the list opens on the alias chosen, so Up from there walks towards the top."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        for name in ("Ash", "Birch", "Cedar"):
            journal.save(Alias(id=new_id(), pseudonym=name))
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        select = app.screen.query_one("#alias-filter", Select)
        select.focus()
        await pilot.press("up")  # a closed filter opens on Up as on Enter
        await settle(app, pilot)
        overlay = select.query_one(SelectOverlay)
        assert select.expanded

        def highlighted() -> str:
            assert overlay.highlighted is not None
            return str(overlay.get_option_at_index(overlay.highlighted).prompt)

        assert highlighted() == "Any alias"
        seen = []
        for _ in range(4):
            await pilot.press("up")
            await pilot.pause()
            seen.append(highlighted())
        assert seen == ["Cedar", "Birch", "Ash", "Any alias"]
        await pilot.press("up", "enter")
        await settle(app, pilot)
        assert not select.expanded
        assert select.value != Select.BLANK
        await pilot.press("enter")
        await settle(app, pilot)
        assert highlighted() == "Cedar"
        await pilot.press("down")
        await pilot.pause()
        assert highlighted() == "Any alias"

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
from tests.tui.conftest import make_app, settle, unlock

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

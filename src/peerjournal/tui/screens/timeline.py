"""The timeline: the supporter's home screen.

Sessions, reflections and check-ins, newest first, paged from the database as the person
scrolls (TimelineView), filterable by kind, alias and tag (and by what is for supervision, or
not yet discussed in one), with the follow-ups that are due beside them. The title bar says when
the next supervision is within a week. Every key that matters is in the footer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from peerjournal.core.changes import JournalChange
from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Cursor, Journal, TimelinePage
from peerjournal.core.models import TIMELINE_FILTER_KINDS
from peerjournal.core.supervision import next_supervision_on
from peerjournal.core.wellbeing import LAST_CHECKIN_NOTICE_DAYS, last_checkin_days
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for, watch_journal
from peerjournal.tui.messages import OpenEntry
from peerjournal.tui.safety import notify_error, plain_line
from peerjournal.tui.screens.followups import FollowUpsDue
from peerjournal.tui.widgets.timeline_view import TimelineView

PAGE_SIZE = 60
TITLE = "peerjournal · timeline"
KIND_CHOICES = [
    ("Everything", "all"),
    ("Sessions", "session"),
    ("Reflections", "reflection"),
    ("Check-ins", "checkin"),
    ("Confidentiality", "confidentiality_event"),  # events; the longer name wraps
    ("Debriefs", "debrief"),
    ("Boundaries", "boundary_event"),
    ("Supervisions", "supervision"),
    ("For supervision", "for_supervision"),  # anything marked for supervision
    ("Not discussed", "not_discussed"),  # marked, and in no supervision's items yet
]


def today_is_near(day: date | None, today: date, days: int = 7) -> bool:
    """Whether `day` is between today and `days` days ahead (both included)."""
    return day is not None and 0 <= (day - today).days <= days


def next_supervision_text(day: date | None, today: date) -> str:
    """'Supervision today', 'Supervision tomorrow', 'Supervision on Thu 10 Dec', or '' when
    there is none in the next 7 days (for the timeline's title bar)."""
    if day is None or not today_is_near(day, today):
        return ""
    if day == today:
        return "Supervision today"
    if (day - today).days == 1:
        return "Supervision tomorrow"
    return f"Supervision on {day.strftime('%a %d %b')}"


class TimelineScreen(Screen[None]):
    """Home: the timeline, filters and follow-ups due."""

    AUTO_FOCUS = "#timeline-view"  # not the first filter: arrow keys should move entries

    # The footer shows these in this order: the essential keys first, so that an 80-column
    # footer still has Help, Quit and Lock. Every key is in Help (?).
    BINDINGS = [
        Binding("n", "app.new('session')", "Session"),
        Binding("r", "app.new('reflection')", "Reflect"),
        Binding("c", "app.new('checkin')", "Check-in"),
        Binding("b", "app.new('boundary_event')", "Boundary", show=False),
        Binding("slash", "app.open_screen('search')", "Search"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
        # The app's own ctrl+l (a priority binding) runs; this only places it in the footer.
        Binding("ctrl+l", "app.lock", "Lock"),
        Binding("a", "app.open_screen('aliases')", "Aliases"),
        Binding("f", "app.open_screen('follow_ups')", "Follow-ups"),
        Binding("w", "app.open_screen('wellbeing')", "Wellbeing"),
        Binding("p", "app.open_screen('supervision')", "Supervision"),
        Binding("t", "focus_filters", "Filter", show=False),
        Binding("x", "clear_filters", "Clear filters", show=False),
        Binding("escape", "focus_timeline", "Timeline", show=False),
    ]

    def __init__(self, journal: Journal, *, first_page: TimelinePage | None = None) -> None:
        """`first_page`: the unfiltered first page, read already (`read_first_page`), so the
        screen's first frame shows entries; without it the screen reads it on mount."""
        super().__init__(id="timeline")
        self.journal = journal
        self._cursor: Cursor | None = None
        self._filters: dict[str, Any] = {"kinds": TIMELINE_FILTER_KINDS}
        self._first_page = first_page
        self._due = (0, 0)  # follow-ups due soon, and overdue among them
        self._last_checkin: str = ""  # "Last check-in: N days ago", or nothing
        self._next_supervision: str = ""  # "Supervision on Thu 10 Dec" within a week

    def compose(self) -> ComposeResult:
        yield Static(TITLE, id="title-bar", markup=False)
        with Horizontal(id="filters"):
            yield Select(KIND_CHOICES, value="all", allow_blank=False, id="kind-filter")
            yield Select([], prompt="Any alias", id="alias-filter")
            yield Input(placeholder="#tag", id="tag-filter")
        with Horizontal(id="main"):
            yield TimelineView(id="timeline-view")
            with Vertical(id="side"):
                yield FollowUpsDue(self.journal)
        yield Footer()

    def on_mount(self) -> None:
        if self._first_page is not None:
            self._show_first_page(self._first_page)  # drawn in the screen's first frame
            self._first_page = None
        else:
            self.load_first_page()
        # The alias filter's options after that first frame (the follow-ups panel, too, loads
        # itself after its first refresh): hundreds of them take a while to lay out.
        self.call_after_refresh(self.load_aliases)
        self.call_after_refresh(self.load_last_checkin)
        self.call_after_refresh(self.load_next_supervision)
        watch_journal(self, self._journal_changed)

    def _journal_changed(self, change: JournalChange) -> None:
        # Anything may show here (an entry, an alias's name, what is due, a setting of the
        # title bar): read it all again, from the newest entry.
        self.refresh_entries()
        self.load_next_supervision()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 90, "narrow")
        self._show_title()

    # ---- the title bar (with what is due, when the side panel has no room)

    @on(FollowUpsDue.Loaded)
    def _due_loaded(self, event: FollowUpsDue.Loaded) -> None:
        self._due = (event.due, event.overdue)
        self._show_title()

    def _show_title(self) -> None:
        """The title, with what is due (when the side panel has no room) and how long ago the
        last check-in was (after a few days): one place builds it, so neither hides the other."""
        text = TITLE
        due, overdue = self._due
        if self.has_class("narrow") and due:
            text += f" · due soon: {due}" + (f", {overdue} overdue" if overdue else "") + " (f)"
        if self._next_supervision:
            text += f" · {self._next_supervision}"
        if self._last_checkin:
            text += f" · {self._last_checkin}"
        if self.has_class("narrow") and len(text) > self.size.width - 2:
            text = text.removeprefix("peerjournal · ")  # the rest says more than the name
        self.query_one("#title-bar", Static).update(text)

    # ---- loading

    def refresh_entries(self) -> None:
        """Reload from the newest entry (after a save, delete or filter change)."""
        self.load_first_page()
        self.load_aliases()
        self.load_last_checkin()
        for panel in self.query(FollowUpsDue):
            panel.reload()

    @work(exclusive=True, group="timeline-page")
    async def load_first_page(self) -> None:
        view = self.query_one(TimelineView)
        view.fetching = True
        try:
            page: TimelinePage = await call(
                self, self.journal.timeline, limit=PAGE_SIZE, **self._filters
            )
        except JournalError as error:
            notify_error(self, error)
            return
        self._show_first_page(page)

    def _show_first_page(self, page: TimelinePage) -> None:
        self._cursor = page.next_cursor
        self.query_one(TimelineView).reset(page.items, exhausted=page.next_cursor is None)

    @on(TimelineView.NeedMore)
    @work(exclusive=True, group="timeline-page")
    async def load_next_page(self) -> None:
        view = self.query_one(TimelineView)
        if self._cursor is None:
            view.exhausted = True
            view.fetching = False
            return
        try:
            page = await call(
                self, self.journal.timeline, limit=PAGE_SIZE, before=self._cursor, **self._filters
            )
        except JournalError as error:
            notify_error(self, error)
            return
        finally:
            view.fetching = False  # also when cancelled by a newer load
        self._cursor = page.next_cursor
        view.extend(page.items, exhausted=page.next_cursor is None)

    @work(exclusive=True, group="timeline-aliases")
    async def load_aliases(self) -> None:
        aliases = await call(self, self.journal.list_aliases)
        select = self.query_one("#alias-filter", Select)
        current = select.value
        options = [(plain_line(a.pseudonym), a.id) for a in aliases]
        select.set_options(options)
        if current in {a.id for a in aliases}:
            select.value = current

    @work(exclusive=True, group="timeline-last-checkin")
    async def load_last_checkin(self) -> None:
        """'Last check-in: N days ago' in the title bar, after more than a few days."""
        try:
            days = await call(self, last_checkin_days, self.journal, today_for(self))
        except JournalError:
            return  # a title-bar nicety: the timeline itself reports errors
        self._last_checkin = ""
        if days is not None and days > LAST_CHECKIN_NOTICE_DAYS:
            self._last_checkin = f"Last check-in: {days} days ago"
        self._show_title()

    @work(exclusive=True, group="timeline-next-supervision")
    async def load_next_supervision(self) -> None:
        """'Supervision on Thu 10 Dec' in the title bar, when it is within a week."""
        try:
            day = await call(self, next_supervision_on, self.journal)
        except JournalError:
            return  # a title-bar nicety, as above
        self._next_supervision = next_supervision_text(day, today_for(self))
        self._show_title()

    # ---- filters

    @on(Select.Changed, "#kind-filter")
    @on(Select.Changed, "#alias-filter")
    @on(Input.Submitted, "#tag-filter")
    def filters_changed(self) -> None:
        kind = self.query_one("#kind-filter", Select).value
        alias = self.query_one("#alias-filter", Select).value
        tag = self.query_one("#tag-filter", Input).value.strip()
        filters: dict[str, Any] = {
            "kinds": TIMELINE_FILTER_KINDS if kind in (None, "all", Select.BLANK) else [kind]
        }
        if kind in ("for_supervision", "not_discussed"):
            filters = {"kinds": TIMELINE_FILTER_KINDS, "for_supervision": True}
            if kind == "not_discussed":
                filters["not_discussed"] = True
        if isinstance(alias, str):
            filters["alias_id"] = alias
        if tag:
            filters["tag"] = tag
        if filters != self._filters:
            self._filters = filters
            self.load_first_page()

    def action_clear_filters(self) -> None:
        """Everything, any alias, no tag: the whole timeline again."""
        self.query_one("#kind-filter", Select).value = "all"
        self.query_one("#alias-filter", Select).clear()
        self.query_one("#tag-filter", Input).value = ""
        self.filters_changed()
        self.action_focus_timeline()

    def action_focus_filters(self) -> None:
        self.query_one("#kind-filter", Select).focus()

    def action_focus_timeline(self) -> None:
        self.query_one(TimelineView).focus()

    # ---- opening

    @on(TimelineView.Opened)
    def open_item(self, event: TimelineView.Opened) -> None:
        self.app.post_message(OpenEntry(event.item.id))


def read_first_page(journal: Journal) -> TimelinePage:
    """The page a new TimelineScreen shows first (no filter), for `first_page=`. Blocking:
    call it in a worker."""
    return journal.timeline(limit=PAGE_SIZE, kinds=TIMELINE_FILTER_KINDS)

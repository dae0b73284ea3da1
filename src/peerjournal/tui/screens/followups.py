"""Follow-ups: what the supporter promised to do (or to ask about) after a session.

`FollowUpsScreen` lists every open follow-up grouped Overdue / Today / Next 7 days / Later, with
the alias it belongs to; it adds (`n`) and edits (`e`) them in the follow-up form, snoozes them
a week (`s`), marks them done or dropped (one step of undo) and opens the linked session.
`FollowUpsDue` is a compact panel of what is overdue or due in the next 7 days (today + 7
included, so a follow-up added with the default due date shows at once), for the timeline to
dock at its side; Enter on it opens the full screen at that follow-up.

Journal calls run in thread workers; user text is rendered as Content, never as markup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.models import FollowUp, now_iso
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for
from peerjournal.tui.messages import OpenForm
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.search import EntryListScreen
from peerjournal.tui.widgets.timeline_view import friendly_when

GROUPS = ("Overdue", "Today", "Next 7 days", "Later")
SOON_DAYS = 7  # "due soon": up to and including a week from today
SNOOZE_DAYS = 7
MAX_OPEN = 500  # far more than anyone keeps open; the list says so if it is cut


def group_of(due: date, today: date) -> str:
    """Which heading a follow-up due on `due` sits under."""
    if due < today:
        return "Overdue"
    if due == today:
        return "Today"
    if due <= today + timedelta(days=SOON_DAYS):
        return "Next 7 days"
    return "Later"


def due_text(due: date, today: date) -> str:
    """'3 days overdue', 'today', 'tomorrow', 'in 5 days', 'in 3 weeks' or the date."""
    days = (due - today).days
    if days < -1:
        return f"{-days} days overdue"
    if days == -1:
        return "1 day overdue"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 14:
        return f"in {days} days"
    if days < 63:
        return f"in {days // 7} weeks"
    return due.isoformat()


def _due_on(follow_up: FollowUp) -> date:
    return date.fromisoformat(follow_up.due_on)


def follow_up_content(
    follow_up: FollowUp, alias: str | None, today: date, *, compact: bool = False
) -> Content:
    """One follow-up as a line (or two when compact): when it is due, the alias, the action."""
    due = _due_on(follow_up)
    # A colour on its own background, so it reads on a highlighted row too (red on the
    # selection's blue did not).
    style = {
        "Overdue": "bold $text-error on $error-muted",
        "Today": "bold $text-warning on $warning-muted",
    }.get(group_of(due, today), "")
    relative = due_text(due, today)
    when = (
        relative
        if compact or relative == due.isoformat()
        else f"{friendly_when(follow_up.due_on)}  {relative}"
    )
    parts: list[str | tuple[str, str]] = [(when, style) if style else when]
    if alias:
        parts += ["  ", (sanitize_line(alias), "bold")]
    action = sanitize_line(follow_up.action) or "(no action written)"
    parts += ["\n" if compact else " · ", action]
    if follow_up.owner != "me" and not compact:
        parts.append((f"  ({'they do it' if follow_up.owner == 'them' else 'together'})", "dim"))
    return Content.assemble(*parts)


class FollowUpsScreen(EntryListScreen):
    """Every open follow-up, soonest first, grouped by when it is due."""

    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("e", "edit", "Edit"),
        Binding("space,d", "done", "Done", key_display="d"),
        Binding("s", "snooze", "Snooze"),  # a week
        Binding("x", "drop", "Drop"),
        Binding("u", "undo", "Undo"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal, *, highlight: str | None = None) -> None:
        super().__init__(id="follow-ups")
        self.journal = journal
        self.follow_ups: dict[str, FollowUp] = {}
        self._highlight = highlight  # a follow-up id to put the cursor on after loading
        self._undo: FollowUp | None = None  # the last follow-up changed, as it was before

    def compose(self) -> ComposeResult:
        yield Static("Follow-ups", classes="form-title")
        yield Static("", id="follow-up-status")
        yield OptionList(id="follow-up-list", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#follow-up-list", OptionList).focus()
        self.reload()

    @work(exclusive=True, group="follow-ups")
    async def reload(self) -> None:
        """Fetch the open follow-ups and the alias names, then show them."""
        try:
            follow_ups = await call(self, self.journal.follow_ups, status="open", limit=MAX_OPEN)
            names = await call(self, self.journal.alias_names)
        except JournalError as error:
            notify_error(self, error)
            return
        self._show(follow_ups, names, today_for(self))

    def _show(self, follow_ups: list[FollowUp], names: dict[str, str], today: date) -> None:
        listing = self.query_one("#follow-up-list", OptionList)
        previous = listing.highlighted
        keep = self._highlight or (
            listing.highlighted_option.id if listing.highlighted_option else None
        )
        self._highlight = None
        self.follow_ups = {f.id: f for f in follow_ups}
        options: list[Option] = []
        by_group: dict[str, list[FollowUp]] = {group: [] for group in GROUPS}
        for follow_up in follow_ups:
            by_group[group_of(_due_on(follow_up), today)].append(follow_up)
        for group, members in by_group.items():
            if not members:
                continue
            options.append(Option(Content(f"{group} ({len(members)})"), disabled=True))
            for follow_up in members:
                alias = names.get(follow_up.alias_id) if follow_up.alias_id else None
                options.append(Option(follow_up_content(follow_up, alias, today), id=follow_up.id))
        listing.clear_options()
        listing.add_options(options)
        self._restore_cursor(listing, keep, previous)
        status = self.query_one("#follow-up-status", Static)
        if not follow_ups:
            status.update(Content("Nothing open. n adds one; a session can add one too."))
        elif len(follow_ups) >= MAX_OPEN:
            status.update(Content(f"The first {MAX_OPEN} open follow-ups, soonest first."))
        else:
            overdue = len(by_group["Overdue"])
            text = f"{len(follow_ups)} open"
            if overdue:
                text += f", {overdue} overdue"
            status.update(Content(text + "."))

    @staticmethod
    def _restore_cursor(listing: OptionList, keep: str | None, previous: int | None) -> None:
        """Back on the same follow-up, or (when it left the list) on its neighbour."""
        if keep is not None:
            try:
                listing.highlighted = listing.get_option_index(keep)
                return
            except OptionDoesNotExist:
                pass  # it was marked done or dropped: stay at the same place instead
        if listing.option_count == 0:
            return
        index = min(previous or 0, listing.option_count - 1)
        for candidate in (*range(index, listing.option_count), *range(index - 1, -1, -1)):
            if not listing.get_option_at_index(candidate).disabled:
                listing.highlighted = candidate
                return

    def selected(self) -> FollowUp | None:
        option = self.query_one("#follow-up-list", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return self.follow_ups.get(option.id)

    # ---- actions

    def action_done(self) -> None:
        follow_up = self.selected()
        if follow_up is not None:
            self.change(follow_up, "done")

    def action_drop(self) -> None:
        follow_up = self.selected()
        if follow_up is not None:
            self.change(follow_up, "dropped")

    def action_new(self) -> None:
        self._open_form(None)

    def action_edit(self) -> None:
        follow_up = self.selected()
        if follow_up is not None:
            self._open_form(follow_up)

    def _open_form(self, follow_up: FollowUp | None) -> None:
        """The follow-up form (the list reloads when it is saved: EntryListScreen)."""
        if follow_up is not None:
            self._highlight = follow_up.id
        self.app.post_message(OpenForm("follow_up", record=follow_up))

    def action_snooze(self) -> None:
        follow_up = self.selected()
        if follow_up is None:
            return
        start = max(_due_on(follow_up), today_for(self))
        due = start + timedelta(days=SNOOZE_DAYS)
        self._highlight = follow_up.id
        self.change(follow_up, follow_up.status, due=due)

    @work(exclusive=True, group="follow-up-change")
    async def change(self, follow_up: FollowUp, status: str, *, due: date | None = None) -> None:
        """Mark `follow_up` done (with the time) or dropped, or move its due date; remember
        it for undo."""
        if due is not None:
            changed = dataclasses.replace(follow_up, due_on=due.isoformat())
            said = f"Snoozed to {friendly_when(due.isoformat())}."
        else:
            changed = dataclasses.replace(
                follow_up, status=status, done_at=now_iso() if status == "done" else None
            )
            said = "Marked done." if status == "done" else "Dropped."
        try:
            await call(self, self.journal.save, changed)
        except JournalError as error:
            notify_error(self, error, title="Not saved")
            return
        self._undo = follow_up
        self.notify(said, title="Follow-up", markup=False, timeout=3)
        self.reload()

    @work(exclusive=True, group="follow-up-change")
    async def action_undo(self) -> None:
        """Put the last follow-up changed back as it was."""
        before = self._undo
        if before is None:
            self.notify("Nothing to undo.", markup=False, timeout=3)
            return
        try:
            await call(self, self.journal.save, dataclasses.replace(before))
        except JournalError as error:
            notify_error(self, error, title="Not saved")
            return
        self._undo = None
        self._highlight = before.id
        self.reload()

    @on(OptionList.OptionSelected, "#follow-up-list")
    async def _open_session(self, event: OptionList.OptionSelected) -> None:
        follow_up = self.follow_ups.get(event.option.id or "")
        if follow_up is None:
            return
        if not follow_up.session_id:
            self.notify("This follow-up is not linked to a session.", markup=False, timeout=3)
            return
        self.open_entry(follow_up.session_id)

    def action_back(self) -> None:
        self.dismiss(None)


class FollowUpsDue(OptionList):
    """A compact panel of follow-ups that are overdue or due within a week.

    Call `reload()` (it runs in a worker) whenever the journal may have changed, e.g. when
    the screen holding it is resumed. Enter opens `FollowUpsScreen` at the chosen follow-up
    and reloads the panel when that screen closes.
    """

    DEFAULT_CSS = """
    FollowUpsDue {
        width: 100%;
        height: auto;
        max-height: 50%;
        border: round $primary 40%;
        border-title-color: $text-accent;
    }
    FollowUpsDue:focus {
        border: round $primary;
    }
    """

    DAYS_AHEAD = SOON_DAYS  # today + 7 included

    @dataclass
    class Loaded(Message):
        """The panel has (re)loaded: how many are due soon, and how many of those overdue."""

        due: int
        overdue: int

    def __init__(
        self, journal: Journal, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.journal = journal
        self.follow_ups: list[FollowUp] = []
        self.border_title = "Due soon"

    def on_mount(self) -> None:
        # After the first refresh: on the timeline, the entries are drawn first and the
        # options (up to 200, each measured for its height) follow a frame later.
        self.call_after_refresh(self.reload)

    @work(exclusive=True, group="follow-ups-due")
    async def reload(self) -> None:
        """Fetch overdue follow-ups and those due up to DAYS_AHEAD days from today."""
        today = today_for(self)
        try:
            follow_ups = await call(
                self,
                self.journal.follow_ups,
                due_until=today + timedelta(days=self.DAYS_AHEAD),
                status="open",
            )
            names = await call(self, self.journal.alias_names)
        except JournalError as error:
            notify_error(self, error)
            return
        self.show(follow_ups, names, today)

    def show(self, follow_ups: Iterable[FollowUp], names: dict[str, str], today: date) -> None:
        self.follow_ups = list(follow_ups)
        self.clear_options()
        if not self.follow_ups:
            self.add_option(Option(Content("Nothing due in the next 7 days."), disabled=True))
        for follow_up in self.follow_ups:
            alias = names.get(follow_up.alias_id) if follow_up.alias_id else None
            self.add_option(
                Option(follow_up_content(follow_up, alias, today, compact=True), id=follow_up.id)
            )
        overdue = sum(1 for f in self.follow_ups if _due_on(f) < today)
        title = f"Due soon ({len(self.follow_ups)})" if self.follow_ups else "Due soon"
        self.border_title = title + (f" · {overdue} overdue" if overdue else "")
        self.post_message(self.Loaded(len(self.follow_ups), overdue))

    @on(OptionList.OptionSelected)
    def _open_follow_ups(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.push_screen(
            FollowUpsScreen(self.journal, highlight=event.option.id), self._screen_closed
        )

    def _screen_closed(self, _: None) -> None:
        self.reload()


__all__ = [
    "GROUPS",
    "FollowUpsDue",
    "FollowUpsScreen",
    "due_text",
    "follow_up_content",
    "group_of",
    "today_for",
]

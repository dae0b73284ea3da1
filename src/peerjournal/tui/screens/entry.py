"""EntryScreen: one record shown fully and literally, read-only, with edit and delete.

Every field is shown with its label, user text always as plain content (markup stays words,
control characters never reach the terminal). A session also shows its alias and the
follow-ups made from it; a reflection, follow-up or confidentiality event shows its session.
A supervision lists the items brought (with their summaries) and the follow-ups agreed; an
entry marked for supervision says whether, and when, it was discussed.
`e` opens the record's form and the view reloads when the form closes; `d` deletes after an
explicit confirmation, and the app offers to undo it for a few seconds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, TextArea

from peerjournal.core.changes import JournalChange
from peerjournal.core.debriefs import debriefs_after
from peerjournal.core.errors import JournalError, NotFound
from peerjournal.core.journal import Journal
from peerjournal.core.markdown import EVENT_TEXT_TITLES
from peerjournal.core.models import (
    BoundaryEvent,
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Record,
    Session,
    Supervision,
)
from peerjournal.core.sanitize import sanitize_text
from peerjournal.core.supervision import (
    SupervisionItem,
    agreed_actions,
    brought_items,
    discussed_on,
)
from peerjournal.core.words import KIND_WORDS
from peerjournal.tui.calls import call
from peerjournal.tui.host import watch_journal
from peerjournal.tui.messages import EntryDeleted, OpenForm
from peerjournal.tui.safety import notify_error, plain, plain_line
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.screens.form_fields import (
    BOUNDARY_FIELD_LABELS,
    CHOICE_LABELS,
    FIELD_LABELS,
    choice_label,
    describe_duration,
    describe_moment,
    unique_screen_id,
)
from peerjournal.tui.screens.forms import FORMS
from peerjournal.tui.screens.reflection_form import session_label
from peerjournal.tui.screens.supervision_form import item_lines
from peerjournal.tui.widgets.timeline_view import friendly_when

KIND_LABELS = {kind: words.singular for kind, words in KIND_WORDS.items() if kind != "alias"}
_LINK_FIELDS = {
    "id",
    "alias_id",
    "session_id",
    "event_id",
    "follow_up_id",
    "created_at",
    "updated_at",
}
_MOMENT_FIELDS = {"occurred_at", "at", "done_at"}
_SCALE_FIELDS = {"mood", "energy", "stress"}
EMPTY = "—"


@dataclass(frozen=True)
class EntryDetails:
    """A record and what it links to, read in one worker call."""

    record: Record
    alias: str | None = None
    session: str | None = None  # one-line label of the linked session
    follow_ups: list[FollowUp] = field(default_factory=list)
    events: list[ConfidentialityEvent] = field(default_factory=list)  # of a session
    debriefs: list[Debrief] = field(default_factory=list)  # after a session or an event
    items: list[SupervisionItem] = field(default_factory=list)  # a supervision's, still there
    discussed_on: str | None = None  # an item for supervision: the date it was discussed


def load_entry(journal: Journal, entry_id: str) -> EntryDetails:
    """The record with id `entry_id` and its links. Runs in a worker thread."""
    record = journal.get_entry(entry_id)
    names = journal.alias_names()
    alias_id: str | None = getattr(record, "alias_id", None)
    label = None
    session_id: str | None = getattr(record, "session_id", None)
    if session_id and journal.exists(Session, session_id):
        session = journal.get(Session, session_id)
        alias_id = alias_id or session.alias_id
        label = session_label(
            session.occurred_at,
            names.get(session.alias_id or ""),
            session.goal_focus or session.notes or "Session",
        )
    follow_ups: list[FollowUp] = []
    events: list[ConfidentialityEvent] = []
    debriefs: list[Debrief] = []
    if isinstance(record, Session):
        follow_ups = journal.follow_ups(session_id=record.id, status=None)
        events = journal.confidentiality_events(session_id=record.id)
        debriefs = debriefs_after(journal, session_id=record.id)
    elif isinstance(record, ConfidentialityEvent):
        debriefs = debriefs_after(journal, event_id=record.id)
    elif (
        isinstance(record, Debrief)
        and record.follow_up_id
        and journal.exists(FollowUp, record.follow_up_id)
    ):
        follow_ups = [journal.get(FollowUp, record.follow_up_id)]
    items: list[SupervisionItem] = []
    if isinstance(record, Supervision):
        items = brought_items(journal, record)
        follow_ups = agreed_actions(journal, record.id)
    discussed = None
    if getattr(record, "for_supervision", False):
        discussed = discussed_on(journal, [record.id]).get(record.id)
    alias = names.get(alias_id) if alias_id else None
    return EntryDetails(record, alias, label, follow_ups, events, debriefs, items, discussed)


def event_line(event: ConfidentialityEvent) -> str:
    """One line about an event, for the session it happened in."""
    what = "Concern: consultation" if event.occasion == "concern" else "Limits reached"
    text = " ".join((event.notes or event.outcome or event.disclosed_minimum).split())
    line = f"• {describe_moment(event.at)} · {what} · {choice_label('category', event.category)}"
    return line + (f": {text[:80]}" if text else "")


def debrief_line(debrief: Debrief) -> str:
    """One line about a debrief, for the session or event it followed."""
    activation = "" if debrief.activation is None else f" · activation {debrief.activation}/10"
    talk = f" · talk to {debrief.talk_to}" if debrief.talk_to else ""
    return f"• {describe_moment(debrief.at)}{activation}{talk}"


def follow_up_line(item: FollowUp) -> str:
    """One follow-up, for the record it was made from."""
    return (
        f"• due {item.due_on} · {choice_label('owner', item.owner)} · "
        f"{choice_label('status', item.status)}: {item.action}"
    )


def display_value(name: str, value: Any) -> str:
    """A field's value as words; '' when there is nothing to show."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "tags" and isinstance(value, list):
        return ", ".join(f"#{tag}" for tag in value)
    if name in _MOMENT_FIELDS:
        return describe_moment(str(value))
    if name == "duration_min":
        return describe_duration(int(value))
    if name in _SCALE_FIELDS:
        return f"{value} / 5"
    if name == "activation":
        return f"{value} / 10"
    if name in CHOICE_LABELS:
        return choice_label(name, str(value))
    return str(value)


def entry_rows(details: EntryDetails) -> list[tuple[str, str]]:
    """(label, value) for every field, links placed right after the record's time."""
    record = details.record
    rows: list[tuple[str, str]] = []
    for item in dataclasses.fields(record):
        if item.name in _LINK_FIELDS:
            continue
        label = FIELD_LABELS.get(item.name, item.name.replace("_", " ").capitalize())
        if isinstance(record, ConfidentialityEvent) and item.name in EVENT_TEXT_TITLES:
            label = EVENT_TEXT_TITLES[item.name]
            if item.name == "outcome" and record.occasion == "concern":
                label = "What we decided"
        if isinstance(record, BoundaryEvent):
            label = BOUNDARY_FIELD_LABELS.get(item.name, label)
        value = display_value(item.name, getattr(record, item.name))
        if isinstance(record, Supervision) and item.name == "items":
            value = item_lines(details.items, len(record.items))
        elif item.name == "for_supervision" and value == "Yes":
            when = details.discussed_on
            value += f" · discussed on {friendly_when(when)}" if when else " · not yet discussed"
        rows.append((label, value))
        if item.name == record.TIME_FIELD:
            if hasattr(record, "alias_id") or hasattr(record, "session_id"):
                rows.append((FIELD_LABELS["alias"], details.alias or ""))
            if hasattr(record, "session_id"):
                rows.append((FIELD_LABELS["session"], details.session or ""))
    lines = [follow_up_line(item) for item in details.follow_ups]
    if isinstance(record, Debrief):
        rows.append(("Its follow-up", "\n".join(lines)))
    if isinstance(record, Supervision):
        rows.append(("Actions agreed (follow-ups)", "\n".join(lines)))
    if isinstance(record, (Session, ConfidentialityEvent)) and details.debriefs:
        rows.append(("Debriefs after it", "\n".join(debrief_line(d) for d in details.debriefs)))
    if isinstance(record, Session):
        rows.append(("Follow-ups", "\n".join(lines)))
        events = "\n".join(event_line(event) for event in details.events)
        rows.append(
            ("Confidentiality events", events + ("\n(v opens the newest)" if events else ""))
        )
    return rows


LONG_TEXT_CHARS = 20_000


class EntryScreen(Screen[str | None]):
    """Shows one entry; dismisses with "deleted" after a delete, otherwise None."""

    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("v", "view_event", "Its event"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal, entry_id: str) -> None:
        super().__init__(id=unique_screen_id("entry"))
        self.journal = journal
        self.entry_id = entry_id
        self.details: EntryDetails | None = None

    def compose(self) -> ComposeResult:
        yield Static("Entry", id="entry-title", markup=False)
        yield VerticalScroll(id="entry-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#entry-body").focus()
        self.reload()
        watch_journal(self, self._journal_changed)

    def _journal_changed(self, change: JournalChange) -> None:
        # Its own delete closes the view itself; anything else may change what it shows
        # (the entry edited, its alias renamed, a follow-up or an event added).
        if not change.deleted(self.entry_id):
            self.reload()

    @work(exclusive=True, group="entry-load")
    async def reload(self) -> None:
        try:
            details = await call(self, load_entry, self.journal, self.entry_id)
        except NotFound:
            self.notify("This entry no longer exists.", markup=False)
            self.dismiss(None)
            return
        except JournalError as error:
            notify_error(self, error)
            return
        self.details = details
        self.refresh_bindings()
        await self._show(details)

    async def _show(self, details: EntryDetails) -> None:
        record = details.record
        when = display_value(record.TIME_FIELD, getattr(record, record.TIME_FIELD))
        kind = KIND_LABELS.get(record.KIND, record.KIND).capitalize()
        self.query_one("#entry-title", Static).update(plain_line(f"{kind} · {when}"))
        widgets: list[Widget] = []
        for label, value in entry_rows(details):
            shown: Widget
            if len(value) > LONG_TEXT_CHARS:
                # A Static lays out the whole text at once (seconds for a megabyte); a
                # read-only TextArea renders only the lines on screen.
                shown = TextArea(
                    sanitize_text(value),
                    read_only=True,
                    soft_wrap=True,
                    classes="entry-value entry-long",
                )
            elif value:
                shown = Static(plain(value), classes="entry-value")
            else:
                shown = Static(EMPTY, classes="entry-value entry-empty", markup=False)
            label_widget = Static(label, classes="entry-label", markup=False)
            widgets.append(Horizontal(label_widget, shown, classes="entry-row"))
        stamps = [
            f"{caption} {describe_moment(stamp)}"
            for caption, stamp in (
                ("Written", getattr(record, "created_at", "")),
                ("last changed", getattr(record, "updated_at", "")),
            )
            if stamp
        ]
        if stamps:
            widgets.append(Static(plain_line(" · ".join(stamps)), classes="entry-stamps"))
        body = self.query_one("#entry-body", VerticalScroll)
        with self.app.batch_update():
            await body.remove_children()
            await body.mount_all(widgets)

    async def action_edit(self) -> None:
        if self.details is None:
            return
        record = self.details.record
        if record.KIND not in FORMS:
            self.notify("Follow-ups are changed on the follow-ups screen (f).", markup=False)
            return
        self.app.post_message(OpenForm(record.KIND, record=record))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view_event":
            # In the footer only on a session that has a confidentiality event.
            return bool(self.details and self.details.events)
        return True

    async def action_view_event(self) -> None:
        """Open the session's newest confidentiality event."""
        if self.details and self.details.events:
            await self.app.push_screen(EntryScreen(self.journal, self.details.events[0].id))

    @work(exclusive=True, group="entry-delete")
    async def action_delete(self) -> None:
        if self.details is None:
            return
        record = self.details.record
        label = KIND_LABELS.get(record.KIND, "entry")
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Delete this {label}? ctrl+z brings it back for a few seconds; after that it "
                "is gone for good.",
                yes="Delete",
                no="Keep it",
                danger=True,
            )
        )
        if not confirmed:
            return
        try:
            deleted = await call(self, self.journal.delete, type(record), record.id)
        except NotFound:
            deleted = None  # already gone: the outcome the person asked for
        except JournalError as error:
            notify_error(self, error, title="Not deleted")
            return
        if deleted is not None:
            self.app.post_message(EntryDeleted(deleted, label.capitalize()))
        else:
            self.notify(f"{label.capitalize()} deleted.", markup=False, timeout=3)
        self.dismiss("deleted")

    def action_back(self) -> None:
        self.dismiss(None)

"""FormScreen: the shared behaviour of every screen that edits a record.

- ctrl+s saves; escape leaves, asking first when there are unsaved changes;
- saving is refused, naming the field, while the form lacks its kind's minimum (`missing`);
- a date in the future is asked about once ("Save it with that date?");
- before saving, likely identifiers in the text are shown as a gentle nudge (never a blocker);
- a save is confirmed with a short toast (SAVED_TEXTS);
- a failed save (disk full, invalid field) keeps the form open with its text and says why;
- the form can be turned into an encrypted draft (on lock, on idle) and restored from one;
- unsaved changes are also kept as an encrypted draft every AUTOSAVE_SECONDS, so a kill -9, a
  power cut or a crash (which give no chance to save at lock or quit) loses only those seconds.

Subclasses declare DRAFT_KIND and implement `compose_fields`, `read_payload`, `load_payload`,
`build_record` and `nudge_texts`. The payload is a plain JSON-able dict of the form's values.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, datetime
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from peerjournal.core.errors import InvalidRecord, JournalError
from peerjournal.core.identifiers import IdentifierHint, find_identifiers
from peerjournal.core.journal import Journal
from peerjournal.core.models import Record, new_id
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.dialogs import ConfirmScreen, NudgeScreen, discard_changes_dialog

# The toast after a save, by DRAFT_KIND.
SAVED_TEXTS = {
    "session": "Session saved.",
    "reflection": "Reflection saved.",
    "checkin": "Check-in saved.",
    "alias": "Alias saved.",
    "confidentiality_event": "Confidentiality event saved.",
    "follow_up": "Follow-up saved.",
    "debrief": "Debrief saved.",
    "boundary_event": "Boundary event saved.",
    "supervision": "Supervision recorded.",
}

# A record's own dates that are about the past: one in the future is asked about once.
# (A follow-up's due date is about the future by nature.)
PAST_DATE_LABELS = {
    "occurred_at": "The date",
    "occurred_on": "The date",
    "at": "The date",
    "limits_explained_on": "The date the limits were explained",
    "dual_discussed_on": "The date the plan was discussed in supervision",
}


def future_dates(record: Record, today: date) -> list[tuple[str, str]]:
    """(label, YYYY-MM-DD) of each of the record's past-tense dates that falls after today."""
    found = []
    for name, label in PAST_DATE_LABELS.items():
        value = getattr(record, name, None)
        if not isinstance(value, str) or not value:
            continue
        try:
            day = (
                datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
            )
        except ValueError:
            continue  # validation says what is wrong with it
        if day > today:
            found.append((label, day.isoformat()))
    return found


class FormScreen(Screen[Record | None]):
    """Base class for record forms; dismisses with the saved record, or None."""

    DRAFT_KIND: ClassVar[str] = ""
    TITLE_TEXT: ClassVar[str] = ""
    AUTOSAVE_SECONDS: ClassVar[float] = 3.0

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(
        self,
        journal: Journal,
        *,
        record: Record | None = None,
        draft_payload: dict[str, Any] | None = None,
        draft_key: str | None = None,
        known_aliases: list[str] | None = None,
    ) -> None:
        super().__init__(classes="form-screen")
        self.journal = journal
        self.record = record
        self.record_id = record.id if record else new_id()
        self.draft_key = draft_key or f"{self.DRAFT_KIND}:{self.record_id}"
        self._draft_payload = draft_payload
        self._initial_payload: dict[str, Any] | None = None
        self.known_aliases = known_aliases or []
        # What the journal's draft of this form holds (a restored draft is there already), and
        # a guard so that no autosave lands after the save or discard that ends the form.
        self._autosaved: dict[str, Any] | None = (
            {"record_id": self.record_id, "values": draft_payload} if draft_payload else None
        )
        self._draft_guard = asyncio.Lock()
        self._finished = False
        self._autosave_failing = False  # say so once, not every few seconds
        self._future_confirmed = False  # a future date is asked about once per form

    # ---- to implement

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def read_payload(self) -> dict[str, Any]:
        """The form's current values as a JSON-able dict."""
        raise NotImplementedError

    def load_payload(self, payload: dict[str, Any]) -> None:
        """Put values (from a record or a draft) into the widgets."""
        raise NotImplementedError

    def build_record(self) -> Record:
        """A record from the current values (validation happens in Journal.save)."""
        raise NotImplementedError

    def nudge_texts(self) -> list[tuple[str, str]]:
        """(field label, text) pairs to scan for identifiers before saving."""
        raise NotImplementedError

    def missing(self) -> tuple[str, str] | None:
        """What has to be filled in before this form can be saved: (a message naming the
        field, the selector of the field to put the cursor in), or None when it may be saved."""
        return None

    # ---- shared behaviour

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE_TEXT, classes="form-title")
        with VerticalScroll(classes="form-body"):
            yield from self.compose_fields()
        yield Footer()

    def on_mount(self) -> None:
        if self._draft_payload is not None:
            self.load_payload(self._draft_payload)
            self.notify("Your unsaved draft was restored.", markup=False)
        self.call_after_refresh(self._remember_initial)
        self.set_interval(self.AUTOSAVE_SECONDS, self.autosave_draft, name="draft-autosave")

    def _remember_initial(self) -> None:
        # A restored draft counts as unsaved: leaving would lose it.
        self._initial_payload = None if self._draft_payload is not None else self.read_payload()

    @property
    def is_dirty(self) -> bool:
        return self._initial_payload is None or self.read_payload() != self._initial_payload

    def mark_clean(self) -> None:
        self._initial_payload = self.read_payload()

    def identifier_hints(self) -> list[tuple[str, IdentifierHint]]:
        hints: list[tuple[str, IdentifierHint]] = []
        for label, text in self.nudge_texts():
            hints.extend((label, hint) for hint in find_identifiers(text, self.known_aliases))
        return hints

    @work(exclusive=True, group="form-save")
    async def action_save(self) -> None:
        missing = self.missing()
        if missing is not None:
            message, selector = missing
            self.notify(message, title="Not saved yet", severity="warning", markup=False)
            with contextlib.suppress(NoMatches):
                self.query_one(selector).focus()
            return
        try:
            record = self.build_record()
        except (InvalidRecord, ValueError) as error:
            notify_error(self, error)
            return
        today = today_for(self)  # tests fix the app's today
        future = [] if self._future_confirmed else future_dates(record, today)
        if future:
            label, day = future[0]
            question = f"{label}, {day}, is in the future. Save it with that date?"
            if not await self.app.push_screen_wait(
                ConfirmScreen(question, yes="Save", no="Change it")
            ):
                return
            self._future_confirmed = True
        hints = self.identifier_hints()
        if hints and not await self.app.push_screen_wait(NudgeScreen(hints)):
            return
        try:
            saved = await call(self, self.persist, record)
        except JournalError as error:
            # Keep the form and its text; say what happened.
            notify_error(self, error, title="Not saved", timeout=10)
            return
        # The record is saved; if the draft cannot be discarded now it is offered again later.
        with contextlib.suppress(JournalError):
            await self._end_draft()
        self.app.notify(SAVED_TEXTS.get(self.DRAFT_KIND, "Saved."), markup=False, timeout=3)
        self.after_save(saved)
        self.dismiss(saved)

    def persist(self, record: Record) -> Record:
        """Store the record; runs in a thread worker. Forms that save related records with it
        (a new alias, a follow-up) override this and use one `journal.transaction()`."""
        return self.journal.save(record)

    def after_save(self, record: Record) -> None:
        """Hook for follow-up work once saved (e.g. offering a related record)."""

    @work(exclusive=True, group="form-leave")
    async def action_leave(self) -> None:
        if self.is_dirty:
            answer = await self.app.push_screen_wait(discard_changes_dialog(offer_save=True))
            if answer == "save":
                self.action_save()  # the same save as ctrl+s: checks, nudges, then closes
                return
            if answer is not True:
                return
        with contextlib.suppress(JournalError):
            await self._end_draft()
        self.dismiss(None)

    async def _end_draft(self) -> None:
        """Discard this form's draft for good: no autosave can bring it back afterwards."""
        async with self._draft_guard:
            self._finished = True
            await call(self, self.journal.discard_draft, self.draft_key)

    async def autosave_draft(self) -> None:
        """Keep unsaved changes as an encrypted draft (every AUTOSAVE_SECONDS).

        Writes only when the values changed since the last autosave; when the changes have
        been undone, the draft is removed again.
        """
        if self._finished or (self._initial_payload is None and self._draft_payload is None):
            return  # closing, or its starting values are not known yet
        async with self._draft_guard:
            if self._finished or not self.journal.is_unlocked:
                return
            payload = {"record_id": self.record_id, "values": self.read_payload()}
            try:
                if self.is_dirty and payload != self._autosaved:
                    await call(
                        self, self.journal.save_draft, self.draft_key, self.DRAFT_KIND, payload
                    )
                    self._autosaved = payload
                elif not self.is_dirty and self._autosaved is not None:
                    await call(self, self.journal.discard_draft, self.draft_key)
                    self._autosaved = None
                self._autosave_failing = False
            except JournalError as error:
                if not self._autosave_failing:
                    self._autosave_failing = True
                    notify_error(self, error, prefix="Your draft could not be kept: ")
            except RuntimeError:
                pass  # the journal was locked meanwhile; locking saved the draft itself

    def save_draft_now(self) -> None:
        """Called by the app before locking: keep unsaved values as an encrypted draft.

        Runs synchronously on purpose: the key is about to be dropped.
        """
        if self.is_dirty:
            self.journal.save_draft(
                self.draft_key,
                self.DRAFT_KIND,
                {"record_id": self.record_id, "values": self.read_payload()},
            )

    def clear_history(self) -> None:
        """Drop undo histories so no earlier text survives in memory-held widgets."""
        for area in self.query(TextArea):
            area.history.clear()

"""The debrief form: two minutes, for me, after a hard session.

How activated I am now (0 to 10: a conscious choice, nothing chosen beforehand), what is mine
and what is theirs, who I will talk to and by when (saving makes that a follow-up owned by me),
and one thing I will do for myself tonight. It never asks what happened: going back over an
event in a single debriefing is not recommended (NICE NG116; WHO mhGAP), so there is no field
for it. Offered, never forced: after saving a flagged session, a confidentiality event or a
session ticked "this stayed with me" (`DEBRIEF_OFFER`), and from the command palette at any
time. The links to the session or event travel in drafts too.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from peerjournal.core.debriefs import default_talk_by, save_debrief, talk_by_problem
from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.models import ConfidentialityEvent, Debrief, Record, Session
from peerjournal.tui.calls import call
from peerjournal.tui.safety import plain_line
from peerjournal.tui.screens.checkin_form import ScaleInput
from peerjournal.tui.screens.followups import today_for
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    date_time_fields,
    describe_moment,
    field_label,
    moment_from_fields,
    now_fields,
    parse_day,
    split_moment,
)
from peerjournal.tui.screens.record_form import RecordForm

# The question that offers a debrief (a small calm dialog: "Not now" / "Debrief").
DEBRIEF_OFFER = "Take two minutes to debrief?"
DEBRIEF_YES = "Debrief"
INTRO = "A minute or two, for you. Nothing here asks what happened."
ACTIVATION_LABEL = "How activated am I now? 0 = settled, 10 = very stirred up (1 then 0 for 10)"

PAYLOAD_IDS: tuple[str, ...] = (
    "activation",
    "mine",
    "theirs",
    "talk_to",
    "talk_by_date",
    "tonight",
    "at_date",
    "at_time",
)
# The payload's values that are the record's own fields, unchanged.
_RECORD_FIELDS = ("activation", "mine", "theirs", "talk_to", "tonight")


class DebriefForm(RecordForm):
    """A short debrief (or edit one); dismisses with the saved Debrief, or None."""

    DRAFT_KIND = "debrief"
    SCREEN_ID = "debrief-form"
    TITLE_TEXT = "Debrief: two minutes for you"
    FIRST_FIELD = "#activation"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(
        self,
        journal: Journal,
        *,
        session_id: str | None = None,
        event_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(journal, **kwargs)
        record = self.record if isinstance(self.record, Debrief) else None
        self.session_id = record.session_id if record else session_id
        self.event_id = record.event_id if record else event_id

    def compose_fields(self) -> ComposeResult:
        yield Static(INTRO, classes="pj-hint", markup=False)
        yield Static("", id="debrief_link", classes="pj-hint")
        yield field_label(ACTIVATION_LABEL)
        yield ScaleInput(
            "", "settled", "very stirred up", id="activation", minimum=0, maximum=10, caption=False
        )
        yield field_label(FIELD_LABELS["mine"] + " (my feelings, my part, what I can let go of)")
        yield Input(id="mine", placeholder="e.g. the worry I carried out of the room")
        yield field_label(FIELD_LABELS["theirs"] + " (their choices, their story)")
        yield Input(id="theirs", placeholder="e.g. what they decide to do next")
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield field_label("Who I will talk to (a role, or my own support)")
                yield Input(id="talk_to", placeholder="e.g. my supervisor", max_length=200)
            with Vertical(classes="pj-cell pj-talk-by"):
                yield field_label("By when")
                yield Input(
                    default_talk_by(today_for(self)).isoformat(),
                    id="talk_by_date",
                    placeholder="YYYY-MM-DD",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
        yield field_label(FIELD_LABELS["tonight"])
        yield Input(id="tonight", placeholder="e.g. a walk, a call with a friend, an early night")
        with Horizontal(classes="pj-row"):
            yield from date_time_fields("at", *now_fields())

    async def prepare(self) -> None:
        if isinstance(self.record, Debrief):
            self.set_title(f"Edit debrief of {describe_moment(self.record.at)}")
            if self._draft_payload is None:
                self.load_payload(payload_from_debrief(self.record))
        await self._show_link()

    async def _show_link(self) -> None:
        hint = self.query_one("#debrief_link", Static)
        text = await call(self, _link_text, self.journal, self.session_id, self.event_id)
        hint.display = bool(text)
        hint.update(plain_line(text))

    @on(Input.Submitted, "#tonight")
    def _submitted(self) -> None:
        self.action_save()

    def read_payload(self) -> dict[str, Any]:
        return {**super().read_payload(), "session_id": self.session_id, "event_id": self.event_id}

    def load_payload(self, payload: dict[str, Any]) -> None:
        super().load_payload(payload)
        self.session_id = payload.get("session_id", self.session_id)
        self.event_id = payload.get("event_id", self.event_id)

    def missing(self) -> tuple[str, str] | None:
        if self.read_payload()["activation"] is None:
            return "How activated am I now: press a number from 0 to 10.", "#activation"
        return None

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        return [
            (FIELD_LABELS[name], values[name])
            for name in Debrief.TEXT_FIELDS
            if str(values[name]).strip()
        ]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, Debrief) else None
        at = moment_from_fields(
            values["at_date"], values["at_time"], editing.at if editing else None
        )
        talk_by = None
        if values["talk_to"].strip():
            day = parse_day(values["talk_by_date"], "By when")
            today = today_for(self)
            unchanged = editing is not None and editing.talk_by == day.isoformat()
            problem = None if unchanged else talk_by_problem(day, today)
            if problem:
                raise ValueError(problem)
            talk_by = day.isoformat()
        return Debrief(
            id=self.record_id,
            at=at,
            session_id=self.session_id,
            event_id=self.event_id,
            activation=values["activation"],
            mine=values["mine"],
            theirs=values["theirs"],
            talk_to=values["talk_to"],
            talk_by=talk_by,
            follow_up_id=editing.follow_up_id if editing else None,
            tonight=values["tonight"],
            created_at=editing.created_at if editing else "",
        )

    def persist(self, record: Record) -> Record:
        """The debrief and its "Talk to ..." follow-up, in one transaction. Worker thread."""
        assert isinstance(record, Debrief)
        return save_debrief(self.journal, record, today=today_for(self))

    def after_save(self, record: Record) -> None:
        assert isinstance(record, Debrief)
        if record.follow_up_id and record.talk_to.strip():
            self.app.notify(
                f"Follow-up: talk to {record.talk_to.strip()} by {record.talk_by} "
                "(on the follow-ups screen, f).",
                markup=False,
                timeout=6,
            )


def _link_text(journal: Journal, session_id: str | None, event_id: str | None) -> str:
    """ "After the session of ... with River", or "" (a debrief from the palette). Worker."""
    names = journal.alias_names()
    try:
        if session_id:
            session = journal.get(Session, session_id)
            who = names.get(session.alias_id or "")
            when = describe_moment(session.occurred_at)
            return f"After the session of {when}" + (f" with {who}" if who else "")
        if event_id:
            event = journal.get(ConfidentialityEvent, event_id)
            return f"After the confidentiality event of {describe_moment(event.at)}"
    except JournalError:
        return ""
    return ""


def payload_from_debrief(debrief: Debrief) -> dict[str, Any]:
    """The form's payload for an existing debrief (the same shape a draft stores)."""
    day, clock = split_moment(debrief.at)
    payload: dict[str, Any] = {name: getattr(debrief, name) for name in _RECORD_FIELDS}
    payload.update(talk_by_date=debrief.talk_by or "", at_date=day, at_time=clock)
    return payload

"""The confidentiality event form, in two shapes that share one record kind:

- **limits reached**: what happened (required, with a category), who was consulted and to whom
  the minimum was disclosed (roles or agencies, never names), why, the person's involvement,
  whether an official record was made in the organisation's own system, the outcome, and how it
  landed on the supporter. It says, once and calmly, that the official record is elsewhere.
- **concern** (the lighter safety flag): a short consultation record: who I consulted (a role),
  what we decided (required), and why. A decision not to disclose is worth recording too.

Usually opened straight after saving a flagged session, already linked to that session and its
alias; "limits explained beforehand" starts from the alias's record of when they were
explained. The links travel in drafts too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    Alias,
    ConfidentialityEvent,
    Record,
    Session,
    event_problems,
)
from peerjournal.tui.calls import call
from peerjournal.tui.safety import plain_line
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    choice_options,
    date_time_fields,
    describe_moment,
    field_label,
    moment_from_fields,
    now_fields,
    split_moment,
)
from peerjournal.tui.screens.record_form import RecordForm

# The official-record boundary, said where a limit of confidentiality is recorded.
OFFICIAL_RECORD_NOTE = (
    "Follow your organisation's procedure and record it in the official system; this note is "
    "for your own practice."
)
CONCERN_NOTE = (
    "A short record of who you consulted, what you decided and why. A decision not to share "
    "is a decision worth recording."
)

PAYLOAD_IDS: tuple[str, ...] = (
    "at_date",
    "at_time",
    "occasion",
    "category",
    "notes",
    "consulted_role",
    "disclosed_to",
    "disclosed_minimum",
    "reason",
    "person_involvement",
    "person_involvement_note",
    "official_record",
    "outcome",
    "how_it_landed",
    "limits_explained_before",
    "for_supervision",
)
# Widgets shown only when the limits were reached (a concern's record is shorter).
_LIMITS_ONLY = (
    "#disclosed_to_cell",
    "#disclosed_minimum_cell",
    "#involvement_row",
    "#person_involvement_note_cell",
    "#how_it_landed_cell",
)
# Labels that read differently for a concern.
_LIMITS_LABELS = {
    "notes": "What happened (required)",
    "outcome": "Outcome",
    "reason": "Why it was shared",
}
_CONCERN_LABELS = {
    "notes": "What the concern was (optional)",
    "outcome": "What we decided (required)",
    "reason": "Why",
}


class ConfidentialityEventForm(RecordForm):
    """Record or edit a confidentiality event or a concern's consultation; dismisses with it,
    or None."""

    DRAFT_KIND = "confidentiality_event"
    SCREEN_ID = "confidentiality-form"
    TITLE_TEXT = "Limits of confidentiality: what happened"
    FIRST_FIELD = "#notes"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(
        self,
        journal: Journal,
        *,
        session_id: str | None = None,
        alias_id: str | None = None,
        occasion: str = "limits_reached",
        offer_debrief: bool = True,
        **kwargs: Any,
    ) -> None:
        """`offer_debrief`: offer a short debrief once a new event is saved (False when the
        session form that opened this one has offered it already)."""
        super().__init__(journal, **kwargs)
        self.offer_debrief = offer_debrief
        record = self.record if isinstance(self.record, ConfidentialityEvent) else None
        self.session_id = record.session_id if record else session_id
        self.alias_id = record.alias_id if record else alias_id
        self.occasion = record.occasion if record else occasion

    def compose_fields(self) -> ComposeResult:
        yield Static("", id="linked_session", classes="pj-hint")
        yield Static(OFFICIAL_RECORD_NOTE, id="boundary_note", classes="pj-hint", markup=False)
        with Horizontal(classes="pj-row"):
            yield from date_time_fields("at", *now_fields())
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["occasion"])
                yield Select(
                    choice_options("occasion"),
                    id="occasion",
                    allow_blank=False,
                    value=self.occasion,
                )
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["category"] + " (required)", classes="cat-label")
                yield Select(choice_options("category"), id="category", prompt="Choose one")
        yield field_label(_LIMITS_LABELS["notes"], classes="notes-label")
        yield TextArea(id="notes")
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["consulted_role"])
                yield Input(
                    id="consulted_role",
                    max_length=200,
                    placeholder="e.g. my supervisor, the duty manager",
                )
            with Vertical(classes="pj-cell", id="disclosed_to_cell"):
                yield field_label(FIELD_LABELS["disclosed_to"])
                yield Input(id="disclosed_to", max_length=200, placeholder="e.g. the crisis team")
        with Vertical(id="disclosed_minimum_cell", classes="pj-row"):
            yield field_label(FIELD_LABELS["disclosed_minimum"])
            yield TextArea(id="disclosed_minimum")
        yield field_label(_LIMITS_LABELS["reason"], classes="reason-label")
        yield TextArea(id="reason")
        with Horizontal(classes="pj-row", id="involvement_row"):
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["person_involvement"])
                yield Select(
                    choice_options("person_involvement"),
                    id="person_involvement",
                    allow_blank=False,
                    value="",
                )
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["official_record"])
                yield Select(
                    choice_options("official_record"),
                    id="official_record",
                    allow_blank=False,
                    value="",
                )
        with Vertical(id="person_involvement_note_cell", classes="pj-row"):
            yield field_label(FIELD_LABELS["person_involvement_note"])
            yield TextArea(id="person_involvement_note")
        yield field_label(_LIMITS_LABELS["outcome"], classes="outcome-label")
        yield TextArea(id="outcome")
        with Vertical(id="how_it_landed_cell", classes="pj-row"):
            yield field_label(FIELD_LABELS["how_it_landed"])
            yield TextArea(id="how_it_landed")
        with Horizontal(classes="pj-row"):
            yield Checkbox(FIELD_LABELS["limits_explained_before"], id="limits_explained_before")
            yield Checkbox(FIELD_LABELS["for_supervision"], id="for_supervision")
        yield Static("", id="limits_hint", classes="pj-hint")

    async def prepare(self) -> None:
        if isinstance(self.record, ConfidentialityEvent) and self._draft_payload is None:
            self.load_payload(payload_from_event(self.record))
        self._show_occasion(self.occasion)
        await self._show_linked_session()
        await self._prefill_from_alias()

    @on(Select.Changed, "#occasion")
    def _occasion_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._show_occasion(event.value)

    def _show_occasion(self, occasion: str) -> None:
        """Show the fields of a limits-reached record, or the shorter concern record."""
        self.occasion = occasion
        concern = occasion == "concern"
        editing = isinstance(self.record, ConfidentialityEvent)
        if concern:
            self.set_title("Edit concern: consultation" if editing else "Concern: a consultation")
        else:
            self.set_title(
                "Edit confidentiality event" if editing else ConfidentialityEventForm.TITLE_TEXT
            )
        for selector in _LIMITS_ONLY:
            self.query_one(selector).display = not concern
        self.query_one("#boundary_note", Static).update(
            CONCERN_NOTE if concern else OFFICIAL_RECORD_NOTE
        )
        for name, selector in (
            ("notes", ".notes-label"),
            ("outcome", ".outcome-label"),
            ("reason", ".reason-label"),
        ):
            label = _CONCERN_LABELS[name] if concern else _LIMITS_LABELS[name]
            self.query_one(selector, Static).update(label)
        category = FIELD_LABELS["category"] + ("" if concern else " (required)")
        self.query_one(".cat-label", Static).update(category)

    async def _show_linked_session(self) -> None:
        hint = self.query_one("#linked_session", Static)
        if not self.session_id:
            hint.display = False
            return
        try:
            session = await call(self, self.journal.get, Session, self.session_id)
            names = await call(self, self.journal.alias_names)
        except JournalError:
            hint.display = False
            return
        alias = names.get(session.alias_id or "", "no alias")
        hint.update(
            plain_line(f"For the session of {describe_moment(session.occurred_at)} with {alias}")
        )

    async def _prefill_from_alias(self) -> None:
        """Say when the alias's limits were explained; tick "explained beforehand" for a new
        event when that was on or before the event's day."""
        hint = self.query_one("#limits_hint", Static)
        hint.display = False
        if not self.alias_id:
            return
        try:
            alias = await call(self, self.journal.get, Alias, self.alias_id)
        except JournalError:
            return
        if not alias.limits_explained_on:
            hint.update(plain_line(f"{alias.pseudonym}'s page has no date for the limits."))
            hint.display = True
            return
        covered = f" ({alias.limits_explained_note})" if alias.limits_explained_note else ""
        hint.update(
            plain_line(
                f"Limits explained to {alias.pseudonym} on {alias.limits_explained_on}{covered}."
            )
        )
        hint.display = True
        if self.record is None and self._draft_payload is None:
            day = self.query_one("#at_date", Input).value.strip()
            try:
                before = date.fromisoformat(alias.limits_explained_on) <= date.fromisoformat(day)
            except ValueError:
                before = True
            self.query_one("#limits_explained_before", Checkbox).value = before

    def read_payload(self) -> dict[str, Any]:
        return {
            **super().read_payload(),
            "session_id": self.session_id,
            "alias_id": self.alias_id,
        }

    def load_payload(self, payload: dict[str, Any]) -> None:
        super().load_payload(payload)
        self.session_id = payload.get("session_id", self.session_id)
        self.alias_id = payload.get("alias_id", self.alias_id)
        if isinstance(payload.get("occasion"), str):
            self._show_occasion(payload["occasion"])

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        return [
            (FIELD_LABELS.get(name, name), values[name])
            for name in ("consulted_role", "disclosed_to", *ConfidentialityEvent.TEXT_FIELDS)
            if values[name].strip()
        ]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, ConfidentialityEvent) else None
        at = moment_from_fields(
            values["at_date"], values["at_time"], editing.at if editing else None
        )
        # Fields a concern's record hides keep whatever they hold: switching the occasion
        # back and forth loses nothing.
        concern = values["occasion"] == "concern"
        event = ConfidentialityEvent(
            id=self.record_id,
            session_id=self.session_id,
            alias_id=self.alias_id,
            at=at,
            occasion=values["occasion"] or "limits_reached",
            category=values["category"] or ("other" if concern else ""),
            limits_explained_before=bool(values["limits_explained_before"]),
            consulted_role=values["consulted_role"],
            disclosed_to=values["disclosed_to"],
            person_involvement=values["person_involvement"] or "",
            official_record=values["official_record"] or "",
            for_supervision=bool(values["for_supervision"]),
            **{name: values[name] for name in ConfidentialityEvent.TEXT_FIELDS},
        )
        problems = event_problems(event)
        if problems:
            raise ValueError(" ".join(problems))
        return event

    def after_save(self, record: Record) -> None:
        if not self.offer_debrief or isinstance(self.record, ConfidentialityEvent):
            return  # asked already, or an edit
        from peerjournal.tui.screens.debrief_form import DEBRIEF_OFFER, DEBRIEF_YES, DebriefForm
        from peerjournal.tui.screens.session_form import Offer, OfferChain

        offer = Offer(
            DEBRIEF_OFFER,
            DEBRIEF_YES,
            DebriefForm,
            {"session_id": self.session_id, "event_id": record.id},
        )
        OfferChain(self.app, [offer]).start()


def payload_from_event(event: ConfidentialityEvent) -> dict[str, Any]:
    day, clock = split_moment(event.at)
    payload: dict[str, Any] = {"at_date": day, "at_time": clock}
    for name in PAYLOAD_IDS[2:]:
        payload[name] = getattr(event, name)
    return payload

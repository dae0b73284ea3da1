"""The confidentiality event form: what happened when the limits of confidentiality were
reached or challenged (category, whether the limits had been explained, who was consulted by
role, the minimum shared, whether the person was told).

Usually opened straight after saving a session flagged "limits reached", already linked to that
session and its alias; the links travel in drafts too.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.models import ConfidentialityEvent, Record, Session
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

PAYLOAD_IDS: tuple[str, ...] = (
    "at_date",
    "at_time",
    "category",
    "consulted_role",
    "disclosed_minimum",
    "limits_explained_before",
    "person_told",
    "notes",
)


class ConfidentialityEventForm(RecordForm):
    """Record or edit a confidentiality event; dismisses with it, or None."""

    DRAFT_KIND = "confidentiality_event"
    SCREEN_ID = "confidentiality-form"
    TITLE_TEXT = "Confidentiality event"
    FIRST_FIELD = "#disclosed_minimum"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(
        self,
        journal: Journal,
        *,
        session_id: str | None = None,
        alias_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(journal, **kwargs)
        record = self.record if isinstance(self.record, ConfidentialityEvent) else None
        self.session_id = record.session_id if record else session_id
        self.alias_id = record.alias_id if record else alias_id

    def compose_fields(self) -> ComposeResult:
        yield Static("", id="linked_session", classes="pj-hint")
        with Horizontal(classes="pj-row"):
            yield from date_time_fields("at", *now_fields())
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["category"])
                yield Select(
                    choice_options("category"), id="category", allow_blank=False, value="other"
                )
        yield field_label(FIELD_LABELS["consulted_role"])
        yield Input(
            id="consulted_role", max_length=200, placeholder="e.g. my supervisor, the duty manager"
        )
        yield field_label(FIELD_LABELS["disclosed_minimum"])
        yield TextArea(id="disclosed_minimum")
        with Horizontal(classes="pj-row"):
            yield Checkbox(FIELD_LABELS["limits_explained_before"], id="limits_explained_before")
            yield Checkbox(FIELD_LABELS["person_told"], id="person_told")
        yield field_label(FIELD_LABELS["notes"])
        yield TextArea(id="notes")

    async def prepare(self) -> None:
        if isinstance(self.record, ConfidentialityEvent):
            self.set_title("Edit confidentiality event")
            if self._draft_payload is None:
                self.load_payload(payload_from_event(self.record))
        await self._show_linked_session()

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

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        return [
            (FIELD_LABELS[name], values[name])
            for name in ("consulted_role", "disclosed_minimum", "notes")
            if values[name].strip()
        ]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, ConfidentialityEvent) else None
        at = moment_from_fields(
            values["at_date"], values["at_time"], editing.at if editing else None
        )
        return ConfidentialityEvent(
            id=self.record_id,
            session_id=self.session_id,
            alias_id=self.alias_id,
            at=at,
            category=values["category"] or "other",
            limits_explained_before=bool(values["limits_explained_before"]),
            consulted_role=values["consulted_role"],
            disclosed_minimum=values["disclosed_minimum"],
            person_told=bool(values["person_told"]),
            notes=values["notes"],
        )


def payload_from_event(event: ConfidentialityEvent) -> dict[str, Any]:
    day, clock = split_moment(event.at)
    payload: dict[str, Any] = {"at_date": day, "at_time": clock}
    for name in PAYLOAD_IDS[2:]:
        payload[name] = getattr(event, name)
    return payload

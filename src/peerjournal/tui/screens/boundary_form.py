"""The boundary-event form: a moment at the edge of the role, noted calmly.

A gift, money, contact out of hours, a request on social media, physical contact, romantic
interest, or something else: the date (today unless changed), the alias when it is about one
person (picked by pseudonym from the existing ones, like a follow-up's), what I did, how it sat
with me, and whether to bring it to supervision. Nothing here judges: these moments are part of
the work, and writing them down is how they get talked through.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from peerjournal.core.models import BoundaryEvent, Record
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for
from peerjournal.tui.screens.form_fields import (
    BOUNDARY_FIELD_LABELS,
    FIELD_LABELS,
    choice_options,
    field_label,
    parse_day,
)
from peerjournal.tui.screens.record_form import RecordForm

BOUNDARY_HINT = (
    "Moments at the edge of the role happen in peer work. A few lines now make them easy to "
    "talk through later."
)
PAYLOAD_IDS: tuple[str, ...] = (
    "occurred_date",
    "alias",
    "what",
    "response",
    "how_it_sat",
    "for_supervision",
)
LABELS: dict[str, str] = {
    "what": FIELD_LABELS["what"],
    "alias": "Alias (optional)",
    "response": BOUNDARY_FIELD_LABELS["response"],
    "how_it_sat": FIELD_LABELS["how_it_sat"],
    "for_supervision": BOUNDARY_FIELD_LABELS["for_supervision"],
}


class BoundaryEventForm(RecordForm):
    """Note or edit a boundary event; dismisses with the saved BoundaryEvent, or None."""

    DRAFT_KIND = "boundary_event"
    SCREEN_ID = "boundary-form"
    TITLE_TEXT = "Boundary event: what happened"
    FIRST_FIELD = "#what"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(self, *args: Any, alias_id: str | None = None, **kwargs: Any) -> None:
        """`alias_id` pre-fills the alias (an event noted from an alias's page)."""
        super().__init__(*args, **kwargs)
        self._preset_alias_id = alias_id
        self._pseudonym = ""  # the alias typed, resolved to an id in persist()

    def compose_fields(self) -> ComposeResult:
        yield Static(BOUNDARY_HINT, classes="pj-hint", markup=False)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell pj-what"):
                yield field_label(LABELS["what"] + " (required)")
                yield Select(choice_options("what"), id="what", prompt="Choose…")
            with Vertical(classes="pj-cell pj-date"):
                yield field_label(FIELD_LABELS["occurred_on"])
                yield Input(
                    self._today().isoformat(),
                    id="occurred_date",
                    placeholder="YYYY-MM-DD",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
            with Vertical(classes="pj-cell"):
                yield field_label(LABELS["alias"])
                yield Input(
                    id="alias",
                    placeholder="empty: not about one person",
                    max_length=200,
                    suggester=SuggestFromList(self.known_aliases, case_sensitive=False),
                )
        yield field_label(LABELS["response"])
        yield TextArea(id="response")
        yield field_label(LABELS["how_it_sat"])
        yield TextArea(id="how_it_sat")
        yield Checkbox(LABELS["for_supervision"], id="for_supervision")

    def _today(self) -> date:
        return today_for(self)

    async def prepare(self) -> None:
        if isinstance(self.record, BoundaryEvent):
            self.set_title("Edit boundary event")
            if self._draft_payload is None:
                self.load_payload(
                    payload_from_event(self.record, await self._pseudonym_of(self.record.alias_id))
                )
        elif self._preset_alias_id and self._draft_payload is None:
            self.query_one("#alias", Input).value = await self._pseudonym_of(self._preset_alias_id)

    async def _pseudonym_of(self, alias_id: str | None) -> str:
        if not alias_id:
            return ""
        names = await call(self, self.journal.alias_names)
        return names.get(alias_id, "")

    def missing(self) -> tuple[str, str] | None:
        if self.read_payload()["what"]:
            return None
        return "Choose what happened (What happened): a gift, money, contact ...", "#what"

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        texts = [(LABELS[name], values[name]) for name in ("response", "how_it_sat", "alias")]
        return [(label, text) for label, text in texts if text.strip()]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, BoundaryEvent) else None
        self._pseudonym = sanitize_line(values["alias"])
        return BoundaryEvent(
            id=self.record_id,
            occurred_on=parse_day(values["occurred_date"], FIELD_LABELS["occurred_on"]).isoformat(),
            alias_id=editing.alias_id if editing else None,
            what=values["what"] or "other",
            response=values["response"],
            how_it_sat=values["how_it_sat"],
            for_supervision=bool(values["for_supervision"]),
            created_at=editing.created_at if editing else "",
        )

    def persist(self, record: Record) -> Record:
        """Resolve the alias by pseudonym, then save. Worker thread."""
        assert isinstance(record, BoundaryEvent)
        record.alias_id = self.alias_id_named(self._pseudonym)
        return self.journal.save(record)


def payload_from_event(event: BoundaryEvent, pseudonym: str) -> dict[str, Any]:
    return {
        "occurred_date": event.occurred_on,
        "alias": pseudonym,
        "what": event.what,
        "response": event.response,
        "how_it_sat": event.how_it_sat,
        "for_supervision": event.for_supervision,
    }


__all__ = ["BoundaryEventForm", "payload_from_event"]

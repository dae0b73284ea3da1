"""The supervision form: record a supervision that happened, or edit one.

Date (today unless changed), the supervisor's role (a role, never a name), the format, the
items brought (filled in from the Prepare screen and shown as a list), notes, the actions
agreed (one per line: each becomes a follow-up for me, due a week ahead unless changed) and the
date of the next supervision. Saving goes through `core.supervision.record_supervision`: the
supervision and its follow-ups are stored in one transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Select, Static, TextArea

from peerjournal.core.models import Record, Supervision
from peerjournal.core.sanitize import sanitize_text
from peerjournal.core.supervision import SupervisionItem, brought_items, record_supervision
from peerjournal.core.words import words_for
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    choice_options,
    field_label,
    parse_day,
)
from peerjournal.tui.screens.record_form import RecordForm
from peerjournal.tui.widgets.timeline_view import friendly_when

ACTION_DAYS = 7  # actions agreed are due a week ahead unless changed
PAYLOAD_IDS: tuple[str, ...] = (
    "occurred_on",
    "format",
    "supervisor_role",
    "notes",
    "actions",
    "actions_due",
    "next_date",
)
ACTIONS_LABEL = "Actions agreed, one per line (each becomes a follow-up for me)"
NO_ITEMS = "None. Prepare for supervision (p on the timeline) chooses what to bring."
ROLE_PLACEHOLDER = "e.g. team lead (never a name)"


def action_lines(text: str) -> list[str]:
    """One action per non-empty line, its spaces tidied."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def item_lines(items: list[SupervisionItem], named: int) -> str:
    """One line per item brought ('• Reflection · Mon 23 Nov 2026 · title: preview'), and how
    many of the `named` ids are no longer in the journal."""
    lines = [item_line(item) for item in items]
    gone = named - len(items)
    if gone > 0:
        lines.append(f"• ({gone} no longer in the journal)")
    return "\n".join(lines)


def item_line(item: SupervisionItem) -> str:
    return f"• {words_for(item.kind).title} · {friendly_when(item.when)} · {item.summary}"


class SupervisionForm(RecordForm):
    """Record or edit a supervision; dismisses with the saved Supervision, or None."""

    DRAFT_KIND = "supervision"
    SCREEN_ID = "supervision-form"
    TITLE_TEXT = "Record the supervision"
    FIRST_FIELD = "#supervisor_role"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(self, *args: Any, items: list[str] | None = None, **kwargs: Any) -> None:
        """`items`: the ids of the records brought (from the Prepare screen)."""
        super().__init__(*args, **kwargs)
        editing = self.record if isinstance(self.record, Supervision) else None
        self.items: list[str] = list(editing.items if editing else items or [])
        if self._draft_payload is not None:
            self.items = list(self._draft_payload.get("items", self.items))
        self.follow_ups_made = 0

    def compose_fields(self) -> ComposeResult:
        today = today_for(self)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell pj-date"):
                yield field_label(FIELD_LABELS["occurred_on"])
                yield Input(
                    today.isoformat(),
                    id="occurred_on",
                    placeholder="YYYY-MM-DD",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
            with Vertical(classes="pj-cell pj-format"):
                yield field_label(FIELD_LABELS["format"])
                yield Select(
                    choice_options("format"), id="format", allow_blank=False, value="individual"
                )
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["supervisor_role"] + " (not a name)")
                yield Input(id="supervisor_role", placeholder=ROLE_PLACEHOLDER, max_length=200)
        yield Static("Items brought", classes="pj-section", id="items-title", markup=False)
        yield Static("", id="items-brought")
        yield field_label(FIELD_LABELS["notes"])
        yield TextArea(id="notes")
        yield Static(ACTIONS_LABEL, classes="pj-label", id="actions-label", markup=False)
        yield TextArea(id="actions")
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell pj-date"):
                yield field_label("Actions due")
                yield Input(
                    (today + timedelta(days=ACTION_DAYS)).isoformat(),
                    id="actions_due",
                    placeholder="YYYY-MM-DD",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
            with Vertical(classes="pj-cell pj-date"):
                yield field_label(FIELD_LABELS["next_on"])
                yield Input(
                    id="next_date", placeholder="optional", restrict=r"[0-9-]*", max_length=10
                )

    async def prepare(self) -> None:
        if isinstance(self.record, Supervision):
            self.set_title("Edit supervision")
            self.query_one("#actions-label", Static).update("More " + ACTIONS_LABEL.lower())
            if self._draft_payload is None:
                record = self.record
                self.load_payload(
                    {
                        "occurred_on": record.occurred_on,
                        "format": record.format,
                        "supervisor_role": record.supervisor_role,
                        "notes": record.notes,
                        "next_date": record.next_on or "",
                    }
                )
        brought = await call(
            self, brought_items, self.journal, Supervision(id=self.record_id, items=self.items)
        )
        self.query_one("#items-title", Static).update(f"Items brought ({len(brought)})")
        self.query_one("#items-brought", Static).update(
            Content(sanitize_text(item_lines(brought, len(self.items))) or NO_ITEMS)
        )

    def read_payload(self) -> dict[str, Any]:
        payload = super().read_payload()
        payload["items"] = list(self.items)
        return payload

    def missing(self) -> tuple[str, str] | None:
        values = self.read_payload()
        if values["occurred_on"].strip():
            return None
        return "Not saved yet: the date of the supervision is needed.", "#occurred_on"

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        texts = [
            ("Supervisor's role", values["supervisor_role"]),
            ("Notes", values["notes"]),
            ("Actions agreed", values["actions"]),
        ]
        return [(label, text) for label, text in texts if text.strip()]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, Supervision) else None
        next_on = values["next_date"].strip()
        # Checked here so a wrong date is said before anything is saved.
        self._actions = action_lines(values["actions"])
        self._due_on = parse_day(values["actions_due"], "Actions due")
        return Supervision(
            id=self.record_id,
            occurred_on=parse_day(values["occurred_on"], "Date").isoformat(),
            supervisor_role=values["supervisor_role"].strip(),
            format=values["format"] or "individual",
            items=list(self.items),
            notes=values["notes"],
            next_on=parse_day(next_on, "Next supervision").isoformat() if next_on else None,
            created_at=editing.created_at if editing else "",
        )

    def persist(self, record: Record) -> Record:
        """The supervision and a follow-up per action, in one transaction. Worker thread."""
        assert isinstance(record, Supervision)
        saved = record_supervision(self.journal, record, self._actions, self._due_on)
        self.follow_ups_made = len(self._actions)
        return saved

    def after_save(self, record: Record) -> None:
        if self.follow_ups_made:
            made = words_for("follow_up").count(self.follow_ups_made)
            them = "it" if self.follow_ups_made == 1 else "them"
            self.app.notify(f"{made} added for you (f shows {them}).", markup=False, timeout=5)


__all__ = ["SupervisionForm", "action_lines", "item_line", "item_lines"]

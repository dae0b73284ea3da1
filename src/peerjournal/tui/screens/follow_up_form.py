"""The follow-up form: a follow-up on its own (for an alias or for nobody), or an existing one
edited: what needs doing, by when, by whom.

Follow-ups made from a session keep their link to it; the alias is picked by pseudonym from the
existing aliases (a follow-up does not create an alias).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select

from peerjournal.core.models import FollowUp, Record
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.calls import call
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    choice_options,
    field_label,
    parse_day,
)
from peerjournal.tui.screens.record_form import RecordForm

FOLLOW_UP_DAYS = 7  # a new follow-up is due a week ahead unless changed
PAYLOAD_IDS: tuple[str, ...] = ("action", "due_date", "owner", "alias")


class FollowUpForm(RecordForm):
    """Add or edit a follow-up; dismisses with the saved FollowUp, or None."""

    DRAFT_KIND = "follow_up"
    SCREEN_ID = "follow-up-form"
    TITLE_TEXT = "New follow-up"
    FIRST_FIELD = "#action"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pseudonym = ""  # the alias typed, resolved to an id in persist()

    def compose_fields(self) -> ComposeResult:
        yield field_label("Action (what needs doing)")
        yield Input(id="action", placeholder="e.g. ask about the housing letter", max_length=500)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell pj-date"):
                yield field_label(FIELD_LABELS["due_on"])
                due = (date.today() + timedelta(days=FOLLOW_UP_DAYS)).isoformat()
                yield Input(
                    due, id="due_date", placeholder="YYYY-MM-DD", restrict=r"[0-9-]*", max_length=10
                )
            with Vertical(classes="pj-cell pj-owner"):
                yield field_label(FIELD_LABELS["owner"])
                yield Select(choice_options("owner"), id="owner", allow_blank=False)
            with Vertical(classes="pj-cell"):
                yield field_label("Alias (optional, one of yours)")
                yield Input(
                    id="alias",
                    placeholder="empty: not about one person",
                    max_length=200,
                    suggester=SuggestFromList(self.known_aliases, case_sensitive=False),
                )

    async def prepare(self) -> None:
        if isinstance(self.record, FollowUp):
            self.set_title("Edit follow-up")
            if self._draft_payload is None:
                names = await call(self, self.journal.alias_names)
                self.load_payload(
                    {
                        "action": self.record.action,
                        "due_date": self.record.due_on,
                        "owner": self.record.owner,
                        "alias": names.get(self.record.alias_id or "", ""),
                    }
                )

    def missing(self) -> tuple[str, str] | None:
        if self.read_payload()["action"].strip():
            return None
        return "Nothing to save yet: write what needs doing (Action).", "#action"

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        texts = [("Action", values["action"]), ("Alias", values["alias"])]
        return [(label, text) for label, text in texts if text.strip()]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, FollowUp) else None
        self._pseudonym = sanitize_line(values["alias"])
        return FollowUp(
            id=self.record_id,
            alias_id=editing.alias_id if editing else None,
            session_id=editing.session_id if editing else None,
            due_on=parse_day(values["due_date"], "Due").isoformat(),
            action=values["action"].strip(),
            owner=values["owner"] or "me",
            status=editing.status if editing else "open",
            done_at=editing.done_at if editing else None,
            # An action agreed in a supervision stays linked to it (not shown on the form).
            supervision_id=editing.supervision_id if editing else None,
        )

    def persist(self, record: Record) -> Record:
        """Resolve the alias by pseudonym, then save. Worker thread."""
        assert isinstance(record, FollowUp)
        record.alias_id = self.alias_id_named(self._pseudonym)
        return self.journal.save(record)


__all__ = ["FOLLOW_UP_DAYS", "FollowUpForm"]

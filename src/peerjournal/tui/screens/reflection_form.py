"""The reflection form: a reflection on practice, free or from a template.

Choosing a template fills the body with its headings (`template_body`) as long as the body is
empty or still exactly the previous template's headings, so switching templates never throws
away words the supporter wrote. A reflection can be linked to one of the recent sessions and
marked for supervision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, TextArea

from peerjournal.core.journal import Journal
from peerjournal.core.models import Record, Reflection, Session, template_body
from peerjournal.tui.calls import call
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    choice_options,
    describe_moment,
    field_label,
    format_tags,
    parse_day,
    parse_tags,
    user_option,
)
from peerjournal.tui.screens.record_form import RecordForm

RECENT_SESSIONS = 30

PAYLOAD_IDS: tuple[str, ...] = (
    "title",
    "template",
    "occurred_on",
    "session_id",
    "body",
    "for_supervision",
    "tags",
)


def session_choices(journal: Journal, include: str | None) -> list[tuple[str, str]]:
    """(label, id) of the recent sessions, plus `include` when it is older. Worker thread."""
    page = journal.timeline(kinds=["session"], limit=RECENT_SESSIONS)
    choices = [
        (session_label(item.when, item.alias, item.preview or item.title), item.id)
        for item in page.items
    ]
    listed = {session_id for _, session_id in choices}
    if include and include not in listed and journal.exists(Session, include):
        session = journal.get(Session, include)
        alias = journal.alias_names().get(session.alias_id or "")
        text = session.goal_focus or session.notes or "Session"
        choices.append((session_label(session.occurred_at, alias, text), include))
    return choices


def session_label(when: str, alias: str | None, text: str) -> str:
    """One line naming a session: "2026-11-20 14:00 · River · what it was about"."""
    moment = describe_moment(when).split(" (")[0]
    about = " ".join(text.split())
    return f"{moment} · {alias or 'no alias'} · {about[:60]}"


class ReflectionForm(RecordForm):
    """Write or edit a reflection; dismisses with the saved Reflection, or None."""

    DRAFT_KIND = "reflection"
    SCREEN_ID = "reflection-form"
    TITLE_TEXT = "New reflection"
    FIRST_FIELD = "#title"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(
        self,
        journal: Journal,
        *,
        session_id: str | None = None,
        template: str = "free",
        **kwargs: Any,
    ) -> None:
        """`session_id` pre-links a session; `template` pre-selects a template."""
        super().__init__(journal, **kwargs)
        reflection = self.record if isinstance(self.record, Reflection) else None
        self._preset_session = reflection.session_id if reflection else session_id
        # The template whose headings the body may still hold untouched.
        self._template = reflection.template if reflection else template

    def compose_fields(self) -> ComposeResult:
        yield field_label(FIELD_LABELS["title"])
        yield Input(id="title", max_length=200, placeholder="optional")
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell pj-template"):
                yield field_label(FIELD_LABELS["template"])
                yield Select(
                    choice_options("template"),
                    id="template",
                    allow_blank=False,
                    value=self._template,
                )
            with Vertical(classes="pj-cell pj-date"):
                yield field_label(FIELD_LABELS["occurred_on"])
                yield Input(
                    date.today().isoformat(),
                    id="occurred_on",
                    placeholder="YYYY-MM-DD",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
        yield field_label(FIELD_LABELS["session"])
        yield Select[str]([], id="session_id", prompt="No linked session")
        yield field_label(FIELD_LABELS["body"])
        yield TextArea(template_body(self._template), id="body", classes="pj-long")
        yield Checkbox("For supervision (bring this to my next supervision)", id="for_supervision")
        yield field_label("Tags (comma-separated)")
        yield Input(id="tags")

    async def prepare(self) -> None:
        wanted = self._preset_session
        if self._draft_payload is not None:
            wanted = self._draft_payload.get("session_id") or wanted
        choices = await call(self, session_choices, self.journal, wanted)
        sessions = self.query_one("#session_id", Select)
        sessions.set_options([(user_option(label), value) for label, value in choices])
        if isinstance(self.record, Reflection):
            self.set_title("Edit reflection")
            if self._draft_payload is None:
                self.load_payload(payload_from_reflection(self.record))
        elif self._preset_session and self._draft_payload is None:
            self.load_payload({"session_id": self._preset_session})

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Arriving in a template's body puts the cursor under its first heading, where the
        # writing starts, not before the "## ".
        body = event.widget
        if (
            isinstance(body, TextArea)
            and body.id == "body"
            and body.cursor_location == (0, 0)
            and body.document.line_count > 1
            and body.document.get_line(0).startswith("#")
        ):
            body.cursor_location = (1, 0)

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        chosen = event.value
        if not isinstance(chosen, str) or chosen == self._template:
            return
        body = self.query_one("#body", TextArea)
        if not body.text.strip() or body.text == template_body(self._template):
            body.load_text(template_body(chosen))
        self._template = chosen

    def load_payload(self, payload: dict[str, Any]) -> None:
        # The loaded template is the one the loaded body belongs to: no re-fill on load.
        self._template = payload.get("template") or self._template
        super().load_payload(payload)

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        texts = [
            ("Title", values["title"]),
            ("Reflection", values["body"]),
            ("Tags", values["tags"]),
        ]
        return [(label, text) for label, text in texts if text.strip()]

    def missing(self) -> tuple[str, str] | None:
        values = self.read_payload()
        body = values["body"].strip()
        if values["title"].strip() or (body and body != template_body(self._template).strip()):
            return None
        return "Nothing to save yet: write your reflection (or at least a title).", "#body"

    def build_record(self) -> Record:
        values = self.read_payload()
        created_at = self.record.created_at if isinstance(self.record, Reflection) else ""
        return Reflection(
            id=self.record_id,
            occurred_on=parse_day(values["occurred_on"], "Date").isoformat(),
            template=values["template"] or "free",
            title=values["title"],
            body=values["body"],
            session_id=values["session_id"],
            for_supervision=bool(values["for_supervision"]),
            tags=parse_tags(values["tags"]),
            created_at=created_at,
        )


def payload_from_reflection(reflection: Reflection) -> dict[str, Any]:
    payload = {name: getattr(reflection, name) for name in PAYLOAD_IDS if name != "tags"}
    payload["tags"] = format_tags(reflection.tags)
    return payload

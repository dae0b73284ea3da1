"""The alias form: everything kept about a person supported, by pseudonym only.

The pseudonym, what else they are called (nicknames and short forms, which the supervision
digest removes like the pseudonym), the themes of the work together, whether they know the
supporter outside work (a dual relationship), whether, when and how the limits of
confidentiality were explained, what they agreed to (a consent note) and free notes.
Status (active or closed) is changed on the aliases screen.
Opened with `e` on the aliases screen; a new alias is usually made quicker, by name only.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Static, TextArea

from peerjournal.core.models import MAX_LINE_CHARS, Alias, Record
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.screens.form_fields import field_label, format_tags, parse_day, parse_tags
from peerjournal.tui.screens.record_form import RecordForm

ALIAS_REMINDER = "Use an alias, not a real name."

LIMITS_QUESTION = (
    "Have you explained the limits of confidentiality? When, and what did it cover? "
    "(Leave the date empty if not yet.)"
)

PAYLOAD_IDS: tuple[str, ...] = (
    "pseudonym",
    "themes",
    "also_known_as",
    "knows_me_outside_work",
    "limits_explained_on",
    "limits_explained_note",
    "consent_note",
    "notes",
)

ALIAS_LABELS: dict[str, str] = {
    "pseudonym": "Pseudonym",
    "themes": "Themes of our work together",
    "also_known_as": "Also known as (nicknames, short forms; kept out of digests)",
    "knows_me_outside_work": "Knows me outside work",
    "limits_explained_on": "Limits of confidentiality explained on",
    "limits_explained_note": "What the explanation covered",
    "consent_note": "What they agreed to (consent note)",
    "notes": "Notes",
}


class AliasForm(RecordForm):
    """Edit an alias (or create one with every detail); dismisses with it, or None."""

    DRAFT_KIND = "alias"
    SCREEN_ID = "alias-form"
    TITLE_TEXT = "New alias"
    FIRST_FIELD = "#pseudonym"
    PAYLOAD_IDS = PAYLOAD_IDS

    def compose_fields(self) -> ComposeResult:
        yield Static(ALIAS_REMINDER, classes="pj-hint", markup=False)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield field_label(ALIAS_LABELS["pseudonym"])
                yield Input(id="pseudonym", max_length=MAX_LINE_CHARS, placeholder="e.g. River")
            with Vertical(classes="pj-cell"):
                yield field_label(ALIAS_LABELS["themes"])
                yield Input(id="themes", placeholder="e.g. housing, grief")
        yield field_label(ALIAS_LABELS["also_known_as"])
        yield Input(id="also_known_as", placeholder="e.g. Riv, the kid")
        yield Static(LIMITS_QUESTION, classes="pj-section", markup=False)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield field_label(ALIAS_LABELS["limits_explained_on"])
                yield Input(
                    id="limits_explained_on",
                    placeholder="YYYY-MM-DD, empty if not yet",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
            with Vertical(classes="pj-cell"):
                yield Checkbox(ALIAS_LABELS["knows_me_outside_work"], id="knows_me_outside_work")
        yield field_label(ALIAS_LABELS["limits_explained_note"])
        yield Input(
            id="limits_explained_note",
            placeholder="e.g. risk to life, harm to a child, court orders; supervision",
        )
        yield field_label(ALIAS_LABELS["consent_note"])
        yield TextArea(id="consent_note")
        yield field_label(ALIAS_LABELS["notes"])
        yield TextArea(id="notes")

    async def prepare(self) -> None:
        if isinstance(self.record, Alias):
            self.set_title(f"Alias: {sanitize_line(self.record.pseudonym)}")
            if self._draft_payload is None:
                self.load_payload(payload_from_alias(self.record))

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        # The pseudonym too, as in the session form: "Jo Bloggs" looks like a real name.
        return [
            (ALIAS_LABELS[name], values[name])
            for name in (
                "pseudonym",
                "themes",
                "also_known_as",
                "limits_explained_note",
                "consent_note",
                "notes",
            )
            if values[name].strip()
        ]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, Alias) else None
        explained = values["limits_explained_on"].strip()
        if explained:
            explained = parse_day(explained, ALIAS_LABELS["limits_explained_on"]).isoformat()
        return Alias(
            id=self.record_id,
            pseudonym=sanitize_line(values["pseudonym"]),
            status=editing.status if editing else "active",
            themes=parse_tags(values["themes"]),
            also_known_as=parse_tags(values["also_known_as"]),
            knows_me_outside_work=bool(values["knows_me_outside_work"]),
            consent_note=values["consent_note"],
            limits_explained_on=explained or None,
            limits_explained_note=values["limits_explained_note"],
            notes=values["notes"],
            created_at=editing.created_at if editing else "",
        )


def payload_from_alias(alias: Alias) -> dict[str, Any]:
    return {
        "pseudonym": alias.pseudonym,
        "themes": format_tags(alias.themes),
        "also_known_as": format_tags(alias.also_known_as),
        "knows_me_outside_work": alias.knows_me_outside_work,
        "limits_explained_on": alias.limits_explained_on or "",
        "limits_explained_note": alias.limits_explained_note,
        "consent_note": alias.consent_note,
        "notes": alias.notes,
    }


__all__ = ["ALIAS_LABELS", "ALIAS_REMINDER", "LIMITS_QUESTION", "AliasForm", "payload_from_alias"]

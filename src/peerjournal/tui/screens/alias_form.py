"""The alias form: everything kept about a person supported, by pseudonym only.

The pseudonym, what else they are called (nicknames and short forms, which the supervision
digest removes like the pseudonym), the themes of the work together, whether, when and how the
limits of confidentiality were explained, what they agreed to (a consent note), a dual
relationship (how they also know the supporter, the plan agreed, when it was discussed in
supervision, when to review it) and free notes. A dual relationship without a plan, or with a
plan past its review date, "needs an agreed plan": said calmly, never as an alarm.
Status (active or closed) is changed on the aliases screen.
Opened with `e` on the aliases screen; a new alias is usually made quicker, by name only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Static, TextArea

from peerjournal.core.boundaries import plan_words
from peerjournal.core.models import DUAL_RELATIONSHIP_KINDS, MAX_LINE_CHARS, Alias, Record
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.host import today_for
from peerjournal.tui.screens.form_fields import (
    CHOICE_LABELS,
    FIELD_LABELS,
    field_label,
    format_tags,
    parse_day,
    parse_tags,
)
from peerjournal.tui.screens.record_form import RecordForm

ALIAS_REMINDER = "Use an alias, not a real name."

LIMITS_QUESTION = (
    "Have you explained the limits of confidentiality? When, and what did it cover? "
    "(Leave the date empty if not yet.)"
)

DUAL_QUESTION = (
    "Do they know you outside this work (a dual relationship)? In peer communities that is "
    "common; what helps is a plan you agreed."
)
# One checkbox per kind of dual relationship, two to a row.
DUAL_KIND_IDS: tuple[str, ...] = tuple(f"dual_{kind}" for kind in DUAL_RELATIONSHIP_KINDS)

PAYLOAD_IDS: tuple[str, ...] = (
    "pseudonym",
    "themes",
    "also_known_as",
    "limits_explained_on",
    "limits_explained_note",
    "consent_note",
    "knows_me_outside_work",
    *DUAL_KIND_IDS,
    "dual_plan",
    "dual_discussed_on",
    "dual_review_on",
    "notes",
)
DATE_IDS = ("limits_explained_on", "dual_discussed_on", "dual_review_on")

ALIAS_LABELS: dict[str, str] = {
    "pseudonym": "Pseudonym",
    "themes": "Themes of our work together",
    "also_known_as": "Also known as (nicknames, short forms; kept out of digests)",
    "knows_me_outside_work": "Knows me outside this work",
    "limits_explained_on": "Limits of confidentiality explained on",
    "limits_explained_note": "What the explanation covered",
    "consent_note": "What they agreed to (consent note)",
    "dual_plan": "The plan we agreed (e.g. how we greet each other, what stays in sessions)",
    "dual_discussed_on": FIELD_LABELS["dual_discussed_on"],
    "dual_review_on": FIELD_LABELS["dual_review_on"],
    "notes": "Notes",
}


class AliasForm(RecordForm):
    """Edit an alias (or create one with every detail); dismisses with it, or None."""

    DRAFT_KIND = "alias"
    SCREEN_ID = "alias-form"
    TITLE_TEXT = "New alias"
    FIRST_FIELD = "#pseudonym"
    PAYLOAD_IDS = PAYLOAD_IDS

    # The kinds are compact one-line checkboxes, two to a row, so all six fit at 80x24.
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
                yield field_label(ALIAS_LABELS["limits_explained_note"])
                yield Input(
                    id="limits_explained_note",
                    placeholder="e.g. risk to life, harm to a child, court orders",
                )
        yield field_label(ALIAS_LABELS["consent_note"])
        yield TextArea(id="consent_note")
        yield Static(DUAL_QUESTION, classes="pj-section", markup=False)
        yield Checkbox(ALIAS_LABELS["knows_me_outside_work"], id="knows_me_outside_work")
        labels = CHOICE_LABELS["dual_relationships"]
        kinds = DUAL_RELATIONSHIP_KINDS
        for index in range(0, len(kinds), 2):
            classes = "pj-dual-row" + (" pj-dual-first" if index == 0 else "")
            with Horizontal(classes=classes):
                for kind in kinds[index : index + 2]:
                    yield Checkbox(labels[kind], id=f"dual_{kind}", classes="pj-dual-kind")
        yield field_label(ALIAS_LABELS["dual_plan"])
        yield TextArea(id="dual_plan")
        with Horizontal(classes="pj-row"):
            for name in ("dual_discussed_on", "dual_review_on"):
                with Vertical(classes="pj-cell"):
                    yield field_label(ALIAS_LABELS[name])
                    yield Input(
                        id=name, placeholder="YYYY-MM-DD", restrict=r"[0-9-]*", max_length=10
                    )
        yield Static("", id="dual_status", classes="pj-hint", markup=False)
        yield field_label(ALIAS_LABELS["notes"])
        yield TextArea(id="notes")

    async def prepare(self) -> None:
        if isinstance(self.record, Alias):
            self.set_title(f"Alias: {sanitize_line(self.record.pseudonym)}")
            if self._draft_payload is None:
                self.load_payload(payload_from_alias(self.record))
        self._show_dual_status()

    # ---- the dual relationship: kinds and the "knows me" box agree, and one calm line

    @on(Checkbox.Changed, ".pj-dual-kind")
    def _kind_changed(self, event: Checkbox.Changed) -> None:
        if event.value:
            self.query_one("#knows_me_outside_work", Checkbox).value = True
        self._show_dual_status()

    @on(Checkbox.Changed, "#knows_me_outside_work")
    def _knows_me_changed(self, event: Checkbox.Changed) -> None:
        if not event.value:
            for kind_id in DUAL_KIND_IDS:
                self.query_one(f"#{kind_id}", Checkbox).value = False
        self._show_dual_status()

    @on(TextArea.Changed, "#dual_plan")
    @on(Input.Changed, "#dual_review_on")
    def _plan_changed(self) -> None:
        self._show_dual_status()

    def _show_dual_status(self) -> None:
        values = self.read_payload()
        review = values["dual_review_on"].strip()
        try:
            review_on = date.fromisoformat(review).isoformat() if review else None
        except ValueError:
            review_on = None
        alias = Alias(
            id="",
            knows_me_outside_work=bool(values["knows_me_outside_work"]),
            dual_plan=values["dual_plan"],
            dual_review_on=review_on,
        )
        words = plan_words(alias, today_for(self))
        status = {
            "": "",
            "needs an agreed plan": "This dual relationship needs an agreed plan: write down "
            "what you agreed, when you can.",
            "plan due for review": "The review date has passed: the plan is due for a look "
            "together, or in supervision.",
            "plan agreed": "A plan is agreed.",
        }[words]
        self.query_one("#dual_status", Static).update(status)

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
                "dual_plan",
                "notes",
            )
            if values[name].strip()
        ]

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, Alias) else None
        days = {
            name: parse_day(values[name].strip(), ALIAS_LABELS[name]).isoformat()
            if values[name].strip()
            else None
            for name in DATE_IDS
        }
        kinds = [kind for kind in DUAL_RELATIONSHIP_KINDS if values[f"dual_{kind}"]]
        return Alias(
            id=self.record_id,
            pseudonym=sanitize_line(values["pseudonym"]),
            status=editing.status if editing else "active",
            themes=parse_tags(values["themes"]),
            also_known_as=parse_tags(values["also_known_as"]),
            knows_me_outside_work=bool(values["knows_me_outside_work"]) or bool(kinds),
            consent_note=values["consent_note"],
            limits_explained_on=days["limits_explained_on"],
            limits_explained_note=values["limits_explained_note"],
            dual_relationships=kinds,
            dual_plan=values["dual_plan"],
            dual_discussed_on=days["dual_discussed_on"],
            dual_review_on=days["dual_review_on"],
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
        **{f"dual_{kind}": kind in alias.dual_relationships for kind in DUAL_RELATIONSHIP_KINDS},
        "dual_plan": alias.dual_plan,
        "dual_discussed_on": alias.dual_discussed_on or "",
        "dual_review_on": alias.dual_review_on or "",
        "notes": alias.notes,
    }


__all__ = ["ALIAS_LABELS", "ALIAS_REMINDER", "LIMITS_QUESTION", "AliasForm", "payload_from_alias"]

"""Shared pieces of the record forms: parsing what people type, labels, and widget values.

Every record form (session, reflection, check-in, confidentiality event) and the entry view
use these, so a field is parsed, labelled and shown the same way everywhere:

* parsers for the quick-entry fields (duration "1h30", date "2026-11-20", time "14:00", tags);
* the human labels of every enumeration and field (`CHOICE_LABELS`, `FIELD_LABELS`);
* `read_values` / `load_values`: a form's widgets <-> a JSON-able payload keyed by widget id,
  which is what drafts store, so every field round-trips the same way.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from rich.text import Text
from textual._context import active_app
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

from peerjournal.core.models import REFLECTION_TEMPLATES
from peerjournal.core.sanitize import sanitize_line
from peerjournal.core.words import BOUNDARY_WHAT_WORDS, DUAL_RELATIONSHIP_WORDS

MAX_DURATION_MIN = 24 * 60

# ---------------------------------------------------------------------------------------------
# Labels


CHOICE_LABELS: dict[str, dict[str, str]] = {
    "modality": {"individual": "Individual", "group": "Group"},
    "method": {"in_person": "In person", "phone": "Phone", "video": "Video", "text": "Text/chat"},
    "setting": {
        "community": "Community",
        "office": "Office",
        "home": "Home visit",
        "remote": "Remote",
        "other": "Other",
    },
    "safety_flag": {
        "none": "None",
        "concern": "Concern",
        "limits_reached": "Limits of confidentiality reached",
    },
    "owner": {"me": "Me", "them": "Them", "both": "Both of us"},
    "status": {
        "open": "Open",
        "done": "Done",
        "dropped": "Dropped",
        "active": "Active",
        "closed": "Closed",
        "deleted": "Deleted",
    },
    "category": {
        "risk_to_self": "Risk to self",
        "risk_to_others": "Risk to others",
        "abuse": "Abuse of a child or vulnerable adult",
        "third_party_request": "Third-party or legal request",
        "other": "Other",
    },
    "template": {key: name for key, (name, _) in REFLECTION_TEMPLATES.items()},
    "occasion": {"limits_reached": "Limits reached", "concern": "Concern"},
    "format": {"individual": "Individual", "group": "Group", "peer": "Peer"},
    "person_involvement": {
        "": "Not recorded",
        "told_before": "Told before it was shared",
        "told_after": "Told after it was shared",
        "told": "Told (when not recorded)",
        "not_told": "Not told",
    },
    "official_record": {
        "": "Not recorded",
        "yes": "Yes",
        "no": "No",
        "not_applicable": "Not applicable",
    },
    "what": {key: words.capitalize() for key, words in BOUNDARY_WHAT_WORDS.items()},
    "dual_relationships": {
        key: words.capitalize() for key, words in DUAL_RELATIONSHIP_WORDS.items()
    },
}

# Labels of record fields, shared by the forms and the entry view.
FIELD_LABELS: dict[str, str] = {
    "occurred_at": "When",
    "occurred_on": "Date",
    "at": "When",
    "due_on": "Due",
    "duration_min": "Duration",
    "alias": "Alias",
    "session": "Linked session",
    "modality": "Modality",
    "method": "Method",
    "setting": "Setting",
    "goal_focus": "Goal focus (in their words)",
    "support_offered": "Support offered",
    "response": "Their response",
    "strengths": "Strengths noticed",
    "their_words": "Their words (short quote)",
    "next_steps": "Next steps",
    "referrals": "Referrals (kind of resource)",
    "notes": "Notes",
    "shared_my_story": "Shared my story",
    "reviewed_with_person": "Reviewed with them",
    "stayed_with_me": "This stayed with me",
    "safety_flag": "Safety flag",
    "tags": "Tags",
    "template": "Template",
    "title": "Title",
    "body": "Reflection",
    "for_supervision": "For supervision",
    "action": "Action",
    "owner": "Owner",
    "status": "Status",
    "done_at": "Done at",
    "mood": "Mood",
    "energy": "Energy",
    "stress": "Stress",
    "self_care": "What I did for self-care",
    "activation": "How activated I am now",
    "mine": "What is mine",
    "theirs": "What is theirs",
    "talk_to": "Who I will talk to",
    "talk_by": "By when",
    "tonight": "One thing for myself tonight",
    "category": "Category",
    "limits_explained_before": "Limits were explained beforehand",
    "consulted_role": "Who I consulted (a role, not a name)",
    "disclosed_minimum": "What minimum was shared",
    "occasion": "What this records",
    "disclosed_to": "Shared with (a role or agency)",
    "reason": "Why",
    "person_involvement": "The person's involvement",
    "person_involvement_note": "Why they were, or were not, told",
    "official_record": "Recorded in the organisation's system?",
    "outcome": "Outcome",
    "how_it_landed": "How this landed on me",
    "also_known_as": "Also known as",
    "what": "What happened",
    "how_it_sat": "How it sat with me",
    "dual_relationships": "Dual relationship",
    "dual_plan": "The plan we agreed",
    "dual_discussed_on": "Discussed in supervision on",
    "dual_review_on": "Review the plan on",
    "supervisor_role": "Supervisor's role",
    "format": "Format",
    "items": "Items brought",
    "next_on": "Next supervision",
}
# A boundary event's `response` is what I did, not the person's response to a session.
BOUNDARY_FIELD_LABELS: dict[str, str] = {
    "response": "What I did",
    "for_supervision": "Bring to supervision",
}


def choice_label(field_name: str, value: str) -> str:
    """The human label of an enumeration value (the value itself when unknown)."""
    return CHOICE_LABELS.get(field_name, {}).get(value, value.replace("_", " "))


def choice_options(field_name: str) -> list[tuple[str, str]]:
    """(label, value) options for a Select of one of our own enumerations."""
    return [(label, value) for value, label in CHOICE_LABELS[field_name].items()]


def user_option(label: str) -> Text:
    """A Select/OptionList prompt from user text: literal, one line, never markup."""
    return Text(sanitize_line(label), no_wrap=True, overflow="ellipsis")


def field_label(text: str, *, classes: str = "") -> Static:
    """A label above a field (our own words, so markup-free but not user text)."""
    return Static(text, classes=f"pj-label {classes}".strip(), markup=False)


# ---------------------------------------------------------------------------------------------
# Parsing what people type

_DURATION_RE = re.compile(
    r"^(?:(?P<hours>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?\s*(?P<rest>\d+)?\s*(?:m(?:in(?:ute)?s?)?)?"
    r"|(?P<minutes>\d+)\s*(?:m(?:in(?:ute)?s?)?)?"
    r"|(?P<clock_h>\d+):(?P<clock_m>[0-5]\d))$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> int | None:
    """Minutes from quick entry: "45", "90m", "1h", "1h30", "1h 30m", "1.5h", "1:30".

    Empty means no duration (None). Raises ValueError with a message fit to show.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    match = _DURATION_RE.match(cleaned)
    if match is None:
        raise ValueError('Duration: type minutes ("45") or hours ("1h", "1h30", "1:30").')
    if match["hours"] is not None:
        minutes = round(float(match["hours"].replace(",", ".")) * 60)
        if match["rest"]:
            minutes += int(match["rest"])
    elif match["minutes"] is not None:
        minutes = int(match["minutes"])
    else:
        minutes = int(match["clock_h"]) * 60 + int(match["clock_m"])
    if minutes > MAX_DURATION_MIN:
        raise ValueError("Duration: at most 24 hours.")
    return minutes


def format_duration(minutes: int | None) -> str:
    """How a stored duration is put back into the duration field."""
    return "" if minutes is None else str(minutes)


def describe_duration(minutes: int | None) -> str:
    """A duration for reading: "45 min", "1 h 30 min"."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def parse_day(text: str, label: str) -> date:
    """A date typed as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{label}: type a date like 2026-11-20.") from None


def parse_clock(text: str, label: str) -> time:
    """A time of day typed as HH:MM (or H:MM)."""
    match = re.fullmatch(r"(\d{1,2}):?(\d{2})", text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{label}: type a time like 14:30.")
    return time(int(match[1]), int(match[2]))


def local_moment(day: date, clock: time) -> str:
    """A local wall-clock time as ISO 8601 with the offset in force on that day."""
    return datetime.combine(day, clock).astimezone().isoformat(timespec="seconds")


def moment_from_fields(day: str, clock: str, original: str | None = None) -> str:
    """The date-time typed in a date and a time field, with the local offset.

    When editing, `original` is the stored value: if the fields still show it, it is kept as
    it was (with the offset it was recorded in), so an edit elsewhere never moves it.
    """
    if original and (day.strip(), clock.strip()) == split_moment(original):
        return original
    return local_moment(parse_day(day, "Date"), parse_clock(clock, "Time"))


def split_moment(moment: str) -> tuple[str, str]:
    """An ISO date-time -> ("YYYY-MM-DD", "HH:MM") as it was recorded (its own offset)."""
    parsed = datetime.fromisoformat(moment)
    return parsed.date().isoformat(), parsed.strftime("%H:%M")


def now_fields() -> tuple[str, str]:
    """Today's date and the current time, for a new record's date and time fields."""
    now = datetime.now()
    return now.date().isoformat(), now.strftime("%H:%M")


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags (a leading # is allowed); the core cleans them further."""
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def format_tags(tags: Iterable[str]) -> str:
    return ", ".join(tags)


def describe_moment(moment: str) -> str:
    """A stored time for reading: "2026-11-20 14:00 (UTC+01:00)"."""
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    text = parsed.strftime("%Y-%m-%d %H:%M")
    offset = parsed.strftime("%z")
    return f"{text} (UTC{offset[:3]}:{offset[3:]})" if offset else text


# ---------------------------------------------------------------------------------------------
# Widgets <-> payload


def widget_value(widget: Widget) -> Any:
    """The JSON-able value of one form widget."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    return widget.value  # type: ignore[attr-defined]


def set_widget_value(widget: Widget, value: Any) -> None:
    """Put a payload value back into a widget, ignoring values it cannot hold."""
    if isinstance(widget, TextArea):
        widget.load_text(str(value or ""))
    elif isinstance(widget, Select):
        # A value the Select does not offer (an old draft, a deleted session) is left out.
        with contextlib.suppress(InvalidSelectValueError):
            if value is None:
                widget.clear()
            else:
                widget.value = value
    elif isinstance(widget, Checkbox):
        widget.value = bool(value)
    elif isinstance(widget, Input):
        widget.value = str(value or "")
    else:
        widget.value = value  # type: ignore[attr-defined]


def read_values(node: DOMNode, ids: Iterable[str]) -> dict[str, Any]:
    """{id: value} for the widgets with these ids."""
    return {name: widget_value(node.query_one(f"#{name}", Widget)) for name in ids}


def load_values(node: DOMNode, payload: dict[str, Any], ids: Iterable[str]) -> None:
    """Set the widgets with these ids from `payload`; ids missing from it are left alone."""
    for name in ids:
        if name in payload:
            set_widget_value(node.query_one(f"#{name}", Widget), payload[name])


def date_time_fields(prefix: str, day: str, clock: str) -> ComposeResult:
    """A date and a time Input, each with its label (for use inside a row container)."""
    from textual.containers import Vertical

    with Vertical(classes="pj-cell pj-date"):
        yield field_label("Date")
        yield Input(
            day, id=f"{prefix}_date", placeholder="YYYY-MM-DD", restrict=r"[0-9-]*", max_length=10
        )
    with Vertical(classes="pj-cell pj-time"):
        yield field_label("Time")
        yield Input(
            clock, id=f"{prefix}_time", placeholder="HH:MM", restrict=r"[0-9:]*", max_length=5
        )


def unique_screen_id(wanted: str) -> str | None:
    """`wanted`, unless a screen on the stack already has that id (Textual refuses duplicate
    ids: a second session form opened from the command palette must not crash the app)."""
    try:
        stack = active_app.get().screen_stack
    except LookupError:  # built outside a running app (tests, previews)
        return wanted
    return None if any(screen.id == wanted for screen in stack) else wanted

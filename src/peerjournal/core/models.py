"""The records a supporter keeps, and the rules every field follows.

Each record is a dataclass whose field names are exactly those of the JSON export format
(design.md section 6). `validate_record` is the one place where a record coming from a form or
an import is checked and its free text sanitised; `record_from_dict` builds a record from
untrusted JSON (unknown fields are an error, missing ones take their defaults).
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from peerjournal.core.errors import InvalidRecord
from peerjournal.core.privacy import sanitize_line, sanitize_text

MAX_TEXT_CHARS = 10_000_000  # a 5 MB note fits; a runaway paste does not
MAX_LINE_CHARS = 200
MAX_TAGS = 50


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    """The current local time, ISO 8601 with its offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def today_iso() -> str:
    return date.today().isoformat()


@dataclass
class Record:
    """Shared behaviour; subclasses declare their fields and rules."""

    KIND: ClassVar[str] = ""
    TABLE: ClassVar[str] = ""
    TIME_FIELD: ClassVar[str] = ""  # the record's own time: required on import, orders it
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}
    LINE_FIELDS: ClassVar[frozenset[str]] = frozenset()  # single-line text
    RANGES: ClassVar[dict[str, tuple[int, int]]] = {}
    HAS_TAGS: ClassVar[bool] = False
    HAS_TIMESTAMPS: ClassVar[bool] = False  # created_at / updated_at

    id: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _copy_value(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _copy_value(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


@dataclass
class Alias(Record):
    """A pseudonym for a person supported. No real name, contact or birth date, by design."""

    KIND: ClassVar[str] = "alias"
    TABLE: ClassVar[str] = "aliases"
    TIME_FIELD: ClassVar[str] = "created_at"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "pseudonym")
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"status": ("active", "closed")}
    LINE_FIELDS: ClassVar[frozenset[str]] = frozenset({"pseudonym"})
    HAS_TIMESTAMPS: ClassVar[bool] = True

    pseudonym: str = ""
    status: str = "active"
    themes: list[str] = field(default_factory=list)
    # Nicknames and short forms the person is called by: redacted from a digest like the
    # pseudonym itself; shown only on the alias page (export format version 2).
    also_known_as: list[str] = field(default_factory=list)
    knows_me_outside_work: bool = False
    consent_note: str = ""
    limits_explained_on: str | None = None
    limits_explained_note: str = ""  # what was covered when the limits were explained (v2)
    notes: str = ""
    created_at: str = ""
    updated_at: str = ""


@dataclass
class Session(Record):
    """One support session."""

    KIND: ClassVar[str] = "session"
    TABLE: ClassVar[str] = "sessions"
    TIME_FIELD: ClassVar[str] = "occurred_at"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "occurred_at")
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "modality": ("individual", "group"),
        "method": ("in_person", "phone", "video", "text"),
        "setting": ("community", "office", "home", "remote", "other"),
        "safety_flag": ("none", "concern", "limits_reached"),
    }
    RANGES: ClassVar[dict[str, tuple[int, int]]] = {"duration_min": (0, 24 * 60)}
    HAS_TAGS: ClassVar[bool] = True
    HAS_TIMESTAMPS: ClassVar[bool] = True
    # The free-text fields, in the order the form and the Markdown export show them.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "goal_focus",
        "support_offered",
        "response",
        "strengths",
        "their_words",
        "next_steps",
        "referrals",
        "notes",
    )

    alias_id: str | None = None
    occurred_at: str = ""
    duration_min: int | None = None
    modality: str = "individual"
    method: str = "in_person"
    setting: str = "community"
    goal_focus: str = ""
    support_offered: str = ""
    response: str = ""
    strengths: str = ""
    their_words: str = ""
    next_steps: str = ""
    referrals: str = ""
    notes: str = ""
    shared_my_story: bool = False
    reviewed_with_person: bool = False
    safety_flag: str = "none"
    tags: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""


# Template sections are headings inside a reflection's body (design.md section 6).
REFLECTION_TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "free": ("Free reflection", ()),
    "gibbs": (
        "Gibbs reflective cycle",
        ("Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"),
    ),
    "self_disclosure": (
        "Sharing my story (self-disclosure)",
        (
            "What I shared",
            "Why I shared it (whose need did it meet?)",
            "How they responded",
            "How it landed on me",
            "Would I share it again?",
        ),
    ),
    "supervision": (
        "Supervision preparation",
        (
            "What I want to bring",
            "What went well",
            "Where I felt stuck",
            "Boundaries and confidentiality questions",
            "How I am looking after myself",
            "What I need from supervision",
        ),
    ),
}


def template_body(template: str) -> str:
    """The empty body a template starts with: one Markdown heading per prompt."""
    _, sections = REFLECTION_TEMPLATES[template]
    return "\n\n".join(f"## {section}\n" for section in sections)


@dataclass
class Reflection(Record):
    """A reflection on practice, free or from a template."""

    KIND: ClassVar[str] = "reflection"
    TABLE: ClassVar[str] = "reflections"
    TIME_FIELD: ClassVar[str] = "occurred_on"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "occurred_on")
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"template": tuple(REFLECTION_TEMPLATES)}
    LINE_FIELDS: ClassVar[frozenset[str]] = frozenset({"title"})
    HAS_TAGS: ClassVar[bool] = True
    HAS_TIMESTAMPS: ClassVar[bool] = True

    occurred_on: str = ""
    template: str = "free"
    title: str = ""
    body: str = ""
    session_id: str | None = None
    for_supervision: bool = False
    tags: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""


@dataclass
class FollowUp(Record):
    """Something to do after a session, by me, them or both."""

    KIND: ClassVar[str] = "follow_up"
    TABLE: ClassVar[str] = "follow_ups"
    TIME_FIELD: ClassVar[str] = "due_on"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "due_on")
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "owner": ("me", "them", "both"),
        "status": ("open", "done", "dropped"),
    }
    LINE_FIELDS: ClassVar[frozenset[str]] = frozenset()

    alias_id: str | None = None
    session_id: str | None = None
    due_on: str = ""
    action: str = ""
    owner: str = "me"
    status: str = "open"
    done_at: str | None = None
    supervision_id: str | None = None  # an action agreed in this supervision (version 2)


@dataclass
class CheckIn(Record):
    """The supporter's own wellbeing: mood, energy and stress from 1 to 5, and self-care."""

    KIND: ClassVar[str] = "checkin"
    TABLE: ClassVar[str] = "checkins"
    TIME_FIELD: ClassVar[str] = "at"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "at")
    RANGES: ClassVar[dict[str, tuple[int, int]]] = {
        "mood": (1, 5),
        "energy": (1, 5),
        "stress": (1, 5),
    }

    at: str = ""
    mood: int = 3
    energy: int = 3
    stress: int = 3
    self_care: str = ""


@dataclass
class ConfidentialityEvent(Record):
    """When the limits of confidentiality were reached, or a concern was talked through, and
    what was done.

    `occasion` says which: "limits_reached" (something was, or had to be, shared) or "concern"
    (the lighter safety flag: a short consultation record, where a decision not to disclose is
    a decision worth recording). The fields after `consulted_role` came with export format
    version 2; a version 1 `person_told` becomes `person_involvement` (see export_versions).
    """

    KIND: ClassVar[str] = "confidentiality_event"
    TABLE: ClassVar[str] = "confidentiality_events"
    TIME_FIELD: ClassVar[str] = "at"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "at")
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "occasion": ("limits_reached", "concern"),
        "category": ("risk_to_self", "risk_to_others", "abuse", "third_party_request", "other"),
        # "" = not recorded; "told" = told, when not recorded (what a version 1 file says).
        "person_involvement": ("", "told_before", "told_after", "told", "not_told"),
        "official_record": ("", "yes", "no", "not_applicable"),
    }
    LINE_FIELDS: ClassVar[frozenset[str]] = frozenset({"consulted_role", "disclosed_to"})
    # The free-text fields, in the order the form and the Markdown export show them.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "notes",
        "disclosed_minimum",
        "reason",
        "person_involvement_note",
        "outcome",
        "how_it_landed",
    )

    session_id: str | None = None
    alias_id: str | None = None
    at: str = ""
    occasion: str = "limits_reached"
    category: str = "other"
    limits_explained_before: bool = False
    consulted_role: str = ""
    disclosed_to: str = ""  # a role or an agency, never a person's name
    disclosed_minimum: str = ""
    reason: str = ""
    person_involvement: str = ""
    person_involvement_note: str = ""  # why they were or were not told
    official_record: str = ""  # made in the organisation's own system?
    outcome: str = ""  # for a concern: what we decided
    how_it_landed: str = ""  # how this landed on me
    for_supervision: bool = False
    notes: str = ""  # what happened


def event_problems(event: ConfidentialityEvent) -> list[str]:
    """What a new confidentiality event still lacks, in words for the person filling it in.

    Asked by the form before saving, not by `validate_record`: version 1 exports hold events
    without these, and they must keep importing unchanged.
    """
    problems: list[str] = []
    if event.occasion == "concern":
        if not any(line.strip() for line in (event.outcome, event.notes)):
            problems.append("Write at least one line of what you decided.")
        return problems
    if not event.category:
        problems.append("Choose a category.")
    if not event.notes.strip():
        problems.append("Write at least one line of what happened.")
    return problems


SUPERVISION_FORMATS = ("individual", "group", "peer")


@dataclass
class Supervision(Record):
    """A supervision session: who with (a role, never a name), what was brought, what was said,
    and when the next one is. The actions agreed are follow-ups owned by me, linked by their
    `supervision_id` (core/supervision.py records both at once). `items` are the ids of the
    records brought (reflections, confidentiality events, sessions ...); "discussed on" is
    derived from them, never stored on the item. An id whose record was deleted since stays
    and is simply not shown.
    """

    KIND: ClassVar[str] = "supervision"
    TABLE: ClassVar[str] = "supervisions"
    TIME_FIELD: ClassVar[str] = "occurred_on"
    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "occurred_on")
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"format": SUPERVISION_FORMATS}
    LINE_FIELDS: ClassVar[frozenset[str]] = frozenset({"supervisor_role"})
    HAS_TIMESTAMPS: ClassVar[bool] = True

    occurred_on: str = ""
    supervisor_role: str = ""  # a role ("line manager", "peer lead"), never a name
    format: str = "individual"
    items: list[str] = field(default_factory=list)  # ids of the records brought
    notes: str = ""
    next_on: str | None = None
    created_at: str = ""
    updated_at: str = ""


RECORD_TYPES: tuple[type[Record], ...] = (
    Alias,
    Session,
    Reflection,
    FollowUp,
    CheckIn,
    ConfidentialityEvent,
    Supervision,
)
BY_KIND: dict[str, type[Record]] = {cls.KIND: cls for cls in RECORD_TYPES}
# Every kind that can be marked "for supervision" (has the field): the Prepare list and the
# timeline's filters are built from this, so a new kind with the field joins by itself.
MARKED_KINDS: tuple[type[Record], ...] = tuple(
    cls for cls in RECORD_TYPES if any(f.name == "for_supervision" for f in dataclasses.fields(cls))
)
TIMELINE_KINDS = ("session", "reflection", "checkin")
# Every kind the timeline can show (its filter offers them); TIMELINE_KINDS is the default view.
TIMELINE_FILTER_KINDS = (*TIMELINE_KINDS, "confidentiality_event", "supervision")
MAX_SUPERVISION_ITEMS = 500

_DATETIME_FIELDS = {"occurred_at", "at", "created_at", "updated_at", "done_at"}
_DATE_FIELDS = {"occurred_on", "due_on", "limits_explained_on", "next_on"}


# --------------------------------------------------------------------------------------------
# Validation


def _problem(record_label: str, name: str, detail: str) -> InvalidRecord:
    return InvalidRecord(f"{record_label}: field '{name}' {detail}.")


_DATETIME_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})"
)
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UUID_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Years a time can be moved into any time zone (and to UTC, to order it) without leaving
# Python's range of 1 to 9999; "0001-01-01T00:00+14:00" is before the year 1 in UTC.
_YEARS = range(2, 9999)


def parse_datetime(value: str) -> datetime:
    """ISO 8601 with an explicit offset; naive times are ambiguous and refused.

    Only the extended form (2026-11-20T14:00:00+01:00) is accepted, so stored times compare
    and sort as text the same way everywhere.
    """
    if not _DATETIME_SHAPE.fullmatch(value):
        raise ValueError("not an ISO 8601 date-time with offset")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no offset")
    if parsed.year not in _YEARS:
        raise ValueError("year out of range")
    return parsed


def sort_key_micros(record: Record) -> int:
    """Microseconds since the epoch (UTC) that order the record in time.

    A reflection sorts on its day at the time of day it was written (its created_at, local
    time), so the timeline is newest first across kinds; schema._V8_REFLECTION_TIME does the
    same for reflections stored before. A date-only record without that (a follow-up, or a
    reflection not yet saved) sorts at the end of its local day.
    """
    value = getattr(record, record.TIME_FIELD)
    if record.TIME_FIELD in _DATE_FIELDS:
        written = getattr(record, "created_at", "")
        clock = parse_datetime(written).astimezone().time() if written else time(23, 59, 59)
        moment = datetime.combine(date.fromisoformat(value), clock).astimezone()
    else:
        moment = parse_datetime(value)
    return int(moment.astimezone(UTC).timestamp() * 1_000_000)


def _check_type(value: Any, hint: str) -> bool:
    if hint == "str":
        return isinstance(value, str)
    if hint == "str | None":
        return value is None or isinstance(value, str)
    if hint in ("int", "int | None"):
        if value is None:
            return hint == "int | None"
        return isinstance(value, int) and not isinstance(value, bool)
    if hint == "bool":
        return isinstance(value, bool)
    if hint == "list[str]":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    raise AssertionError(f"unhandled field type {hint}")


_HINT_NAMES = {
    "str": "text",
    "str | None": "text or null",
    "int": "a whole number",
    "int | None": "a whole number or null",
    "bool": "true or false",
    "list[str]": "a list of text",
}


def _field_hints(cls: type[Record]) -> dict[str, str]:
    """Field name -> its annotation as written (annotations are strings in this module)."""
    return {f.name: str(f.type) for f in dataclasses.fields(cls)}


def clean_tags(tags: list[str]) -> list[str]:
    """Sanitised, lower-cased, without '#', duplicates removed, order kept."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = sanitize_line(tag).lstrip("#").strip().lower()
        if cleaned:
            seen.setdefault(cleaned[:MAX_LINE_CHARS], None)
    return list(seen)


def clean_names(names: list[str]) -> list[str]:
    """Sanitised single lines, trimmed, case kept, duplicates (ignoring case) removed."""
    seen: dict[str, str] = {}
    for name in names:
        cleaned = sanitize_line(name).strip()[:MAX_LINE_CHARS]
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def validate_record(record: Record, label: str | None = None) -> Record:
    """Check every field of `record` in place: types, choices, ranges, times; sanitise text.

    Raises InvalidRecord naming the record and the field; never echoes the field's text.
    """
    label = label or record.KIND.replace("_", " ")
    for name, hint in _field_hints(type(record)).items():
        value = getattr(record, name)
        if not _check_type(value, hint):
            raise _problem(label, name, f"must be {_HINT_NAMES[hint]}")
        if isinstance(value, str):
            limit = MAX_LINE_CHARS if name in record.LINE_FIELDS else MAX_TEXT_CHARS
            if len(value) > limit:
                raise _problem(label, name, f"is longer than {limit:,} characters")
            cleaned = sanitize_line(value) if name in record.LINE_FIELDS else sanitize_text(value)
            setattr(record, name, cleaned)
            value = cleaned
        if name in record.CHOICES and value not in record.CHOICES[name]:
            raise _problem(label, name, "must be one of " + ", ".join(record.CHOICES[name]))
        if name in record.RANGES and value is not None:
            low, high = record.RANGES[name]
            if not low <= value <= high:
                raise _problem(label, name, f"must be between {low} and {high}")
        if value and name in _DATETIME_FIELDS:
            try:
                parse_datetime(value)
            except ValueError:
                raise _problem(
                    label,
                    name,
                    "must be a date and time with its UTC offset, like 2026-11-20T14:00:00+01:00",
                ) from None
        if value and name in _DATE_FIELDS:
            try:
                if not _DATE_SHAPE.fullmatch(value):
                    raise ValueError("not YYYY-MM-DD")
                if date.fromisoformat(value).year not in _YEARS:
                    raise ValueError("year out of range")
            except ValueError:
                raise _problem(label, name, "must be a date like 2026-11-20") from None
        if name in ("tags", "themes", "also_known_as"):
            if len(value) > MAX_TAGS:
                raise _problem(label, name, f"has more than {MAX_TAGS} items")
            clean = clean_names if name == "also_known_as" else clean_tags
            setattr(record, name, clean(value))
        if name == "items":
            if len(value) > MAX_SUPERVISION_ITEMS:
                raise _problem(label, name, f"has more than {MAX_SUPERVISION_ITEMS} items")
            if not all(_UUID_SHAPE.fullmatch(item) for item in value):
                raise _problem(label, name, "must hold record ids (UUIDs)")
            setattr(record, name, list(dict.fromkeys(value)))  # each record brought once
    if not _UUID_SHAPE.fullmatch(record.id):
        # One spelling only (lower-case, hyphenated), so one record never becomes two.
        raise _problem(label, "id", "must be a UUID like 6f1c0e0a-6d7c-4c55-9d5e-8b8f0f8f8f01")
    for name in record.REQUIRED:
        if not getattr(record, name):
            raise _problem(label, name, "is required")
    if isinstance(record, Alias) and not record.pseudonym:
        raise _problem(label, "pseudonym", "is required")
    return record


def record_from_dict(cls: type[Record], data: Any, label: str) -> Record:
    """Build and validate a record from untrusted JSON data."""
    if not isinstance(data, dict):
        raise InvalidRecord(f"{label}: must be a JSON object.")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidRecord(f"{label}: unknown field '{unknown[0]}'.")
    for name in cls.REQUIRED:
        if name not in data:
            raise InvalidRecord(f"{label}: field '{name}' is missing.")
    hints = _field_hints(cls)
    for name, value in data.items():
        if not _check_type(value, hints[name]):
            raise _problem(label, name, f"must be {_HINT_NAMES[hints[name]]}")
    record = cls(**data)
    return validate_record(record, label)

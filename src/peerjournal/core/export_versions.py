"""The versions of the JSON export format: which sections and fields each one has, and how a
record written in an older version becomes a current one.

Version 2 is what peerjournal writes; version 1 files import unchanged, forever. The rules:

- `SECTIONS` lists every section the current version has, in import order (records after the
  ones they refer to). A new kind of record is one more entry here, and its model's fields
  are its fields in the current version.
- `FROZEN_FIELDS` holds, per older version, the fields each of its sections had, exactly as
  they were written then. They never change: a file of that version is checked against them
  (an unknown field is still an error), so a field added later is not accepted in an old file.
- `UPGRADES` turns one record of an older version into the current shape, one version step at
  a time (1 -> 2, later 2 -> 3 ...). A section without an upgrade step keeps its fields, and
  the fields the newer version added take their defaults.

docs/export-format.md describes the same thing for people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peerjournal.core.errors import InvalidRecord
from peerjournal.core.models import (
    Alias,
    BoundaryEvent,
    CheckIn,
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Record,
    Reflection,
    Session,
    Supervision,
)

EXPORT_FORMAT = "peerjournal-export"
EXPORT_VERSION = 2
SUPPORTED_VERSIONS = (1, 2)

# Order matters on import: records are written after the ones they refer to.
SECTIONS: tuple[tuple[str, type[Record]], ...] = (
    ("aliases", Alias),
    ("sessions", Session),
    ("reflections", Reflection),
    # Before follow_ups, whose `supervision_id` names one. A supervision's `items` are not
    # links the database checks: they may name records of any section, imported later.
    ("supervisions", Supervision),
    ("follow_ups", FollowUp),
    ("checkins", CheckIn),
    ("confidentiality_events", ConfidentialityEvent),
    ("boundary_events", BoundaryEvent),
    # After the sessions, follow-ups and confidentiality events a debrief refers to.
    ("debriefs", Debrief),
)

# The fields of each section in older versions, as written then. Never edit an entry here.
FROZEN_FIELDS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {
        "aliases": (
            "id",
            "pseudonym",
            "status",
            "themes",
            "knows_me_outside_work",
            "consent_note",
            "limits_explained_on",
            "notes",
            "created_at",
            "updated_at",
        ),
        "sessions": (
            "id",
            "alias_id",
            "occurred_at",
            "duration_min",
            "modality",
            "method",
            "setting",
            "goal_focus",
            "support_offered",
            "response",
            "strengths",
            "their_words",
            "next_steps",
            "referrals",
            "notes",
            "shared_my_story",
            "reviewed_with_person",
            "safety_flag",
            "tags",
            "created_at",
            "updated_at",
        ),
        "reflections": (
            "id",
            "occurred_on",
            "template",
            "title",
            "body",
            "session_id",
            "for_supervision",
            "tags",
            "created_at",
            "updated_at",
        ),
        "follow_ups": (
            "id",
            "alias_id",
            "session_id",
            "due_on",
            "action",
            "owner",
            "status",
            "done_at",
        ),
        "checkins": ("id", "at", "mood", "energy", "stress", "self_care"),
        "confidentiality_events": (
            "id",
            "session_id",
            "alias_id",
            "at",
            "category",
            "limits_explained_before",
            "consulted_role",
            "disclosed_minimum",
            "person_told",
            "notes",
        ),
    },
}

Upgrade = Callable[[dict[str, Any], str], dict[str, Any]]  # (record, its label) -> record


def _event_v1_to_v2(item: dict[str, Any], label: str) -> dict[str, Any]:
    """`person_told` (a checkbox, false until ticked) -> `person_involvement`: true is "told"
    (when is not recorded), false is "" (not recorded: it never meant a decision not to tell)."""
    upgraded = dict(item)
    if "person_told" in upgraded:
        told = upgraded.pop("person_told")
        if not isinstance(told, bool):
            raise InvalidRecord(f"{label}: field 'person_told' must be true or false.")
        if told:
            upgraded["person_involvement"] = "told"
    return upgraded


# version -> section -> the step from that version to the next one.
UPGRADES: dict[int, dict[str, Upgrade]] = {
    1: {"confidentiality_events": _event_v1_to_v2},
}


def sections_in(version: int) -> tuple[tuple[str, type[Record]], ...]:
    """The sections a file of `version` may hold, in import order."""
    if version == EXPORT_VERSION:
        return SECTIONS
    return tuple((name, cls) for name, cls in SECTIONS if name in FROZEN_FIELDS[version])


def frozen_fields(version: int, section: str) -> tuple[str, ...] | None:
    """The fields `section` may hold in a file of `version`; None when it is the current one
    (the model's fields, checked by `record_from_dict`), () when that version had no such
    section."""
    if version == EXPORT_VERSION:
        return None
    return FROZEN_FIELDS[version].get(section, ())


def upgrade(version: int, section: str, item: dict[str, Any], label: str) -> dict[str, Any]:
    """One record of `section` from a file of `version`, in the current version's shape."""
    for step in range(version, EXPORT_VERSION):
        change = UPGRADES.get(step, {}).get(section)
        if change is not None:
            item = change(item, label)
    return item

"""Sample journal contents for tests, from one factory: a test says only what matters to it.

One function a kind (`alias`, `session`, `reflection`, `follow_up`, `checkin`, `event`,
`debrief`, `supervision`, `boundary`) saves one record: a fresh id and the fields a record
needs, with plausible defaults (now, today, "River"); keyword arguments set any other field or
replace a default (`id=` too, for seeded, reproducible journals). `days_ago` dates a session or
reflection that many days back, now-relative, as a person's recent notes are. Fields a test does
not name keep the model's own defaults, so a record holds only what its test wrote.

`every_kind` saves one record of every kind, linked as they are in life (the session and
follow-up name the alias, the reflection the session), with `text` in each one's free text;
per-kind overrides change fields.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from peerjournal.core.journal import Journal
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
    new_id,
    now_iso,
)

R = TypeVar("R", bound=Record)


def ago(days: int) -> str:
    """An ISO date and time `days` ago, local time, to the second."""
    return (datetime.now().astimezone() - timedelta(days=days)).isoformat(timespec="seconds")


def day(days_ago: int = 0) -> str:
    """An ISO date `days_ago` days before today (today by default)."""
    return (date.today() - timedelta(days=days_ago)).isoformat()


def _saved(
    journal: Journal, kind: type[R], values: dict[str, Any], *, keep_times: bool = False
) -> R:
    return journal.save(kind(**{"id": new_id(), **values}), keep_times=keep_times)


def alias(
    journal: Journal, pseudonym: str = "River", *, keep_times: bool = False, **fields: Any
) -> Alias:
    """`keep_times` keeps the created_at/updated_at given (as an import does)."""
    return _saved(journal, Alias, {"pseudonym": pseudonym, **fields}, keep_times=keep_times)


def session(journal: Journal, *, days_ago: int | None = None, **fields: Any) -> Session:
    when = now_iso() if days_ago is None else ago(days_ago)
    return _saved(journal, Session, {"occurred_at": when, **fields})


def reflection(journal: Journal, *, days_ago: int = 0, **fields: Any) -> Reflection:
    return _saved(journal, Reflection, {"occurred_on": day(days_ago), **fields})


def follow_up(journal: Journal, action: str = "call back", **fields: Any) -> FollowUp:
    return _saved(journal, FollowUp, {"due_on": day(), "action": action, **fields})


def checkin(journal: Journal, **fields: Any) -> CheckIn:
    return _saved(journal, CheckIn, {"at": now_iso(), **fields})


def event(journal: Journal, **fields: Any) -> ConfidentialityEvent:
    return _saved(journal, ConfidentialityEvent, {"at": now_iso(), **fields})


def debrief(journal: Journal, **fields: Any) -> Debrief:
    return _saved(journal, Debrief, {"at": now_iso(), **fields})


def supervision(journal: Journal, **fields: Any) -> Supervision:
    return _saved(journal, Supervision, {"occurred_on": day(), **fields})


def boundary(journal: Journal, **fields: Any) -> BoundaryEvent:
    return _saved(journal, BoundaryEvent, {"occurred_on": day(), **fields})


@dataclass(frozen=True)
class EveryKind:
    alias: Alias
    session: Session
    reflection: Reflection
    follow_up: FollowUp
    checkin: CheckIn
    event: ConfidentialityEvent
    debrief: Debrief
    supervision: Supervision
    boundary: BoundaryEvent


KINDS = tuple(field.name for field in fields(EveryKind))


def every_kind(journal: Journal, text: str, **overrides: dict[str, Any]) -> EveryKind:
    """One record of every kind, with `text` in each; `kind={...}` overrides that kind's fields
    (the keywords are EveryKind's field names)."""
    unknown = sorted(set(overrides) - set(KINDS))
    if unknown:
        raise TypeError(f"every_kind: no kind named {', '.join(unknown)}")
    more = {kind: overrides.get(kind, {}) for kind in KINDS}
    river = alias(journal, **{"notes": text, **more["alias"]})
    met = session(
        journal,
        **{
            "alias_id": river.id,
            "occurred_at": "2026-11-20T14:00:00+01:00",
            "notes": text,
            "tags": ["housing"],
            **more["session"],
        },
    )
    thought = reflection(
        journal,
        **{
            "occurred_on": "2026-11-20",
            "title": "After River",
            "body": text,
            "session_id": met.id,
            "for_supervision": True,
            **more["reflection"],
        },
    )
    due = follow_up(
        journal,
        **{"alias_id": river.id, "due_on": "2026-11-27", "action": text, **more["follow_up"]},
    )
    felt = checkin(journal, **{"self_care": text, **more["checkin"]})
    limits = event(journal, **{"disclosed_minimum": text, **more["event"]})
    after = debrief(
        journal,
        **{"session_id": met.id, "mine": text, "activation": 6, **more["debrief"]},
    )
    held = supervision(
        journal,
        **{
            "occurred_on": "2026-11-25",
            "items": [thought.id],
            "notes": text,
            **more["supervision"],
        },
    )
    gift = boundary(
        journal,
        **{
            "occurred_on": "2026-11-24",
            "alias_id": river.id,
            "what": "gift",
            "response": text,
            **more["boundary"],
        },
    )
    return EveryKind(river, met, thought, due, felt, limits, after, held, gift)

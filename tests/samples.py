"""Sample journal contents for tests, from one factory: a test says only what matters to it.

`alias`, `session`, ... save one record with plausible defaults (`days_ago` dates a session
that many days back, now-relative, as a person's recent notes are). `every_kind` saves one record
of every kind, linked as they are in life (the session and follow-up name the alias, the
reflection the session), with `text` in each one's free text; per-kind overrides change fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    Alias,
    BoundaryEvent,
    CheckIn,
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Reflection,
    Session,
    Supervision,
    new_id,
    now_iso,
)


def ago(days: int) -> str:
    """An ISO date and time `days` ago, local time, to the second."""
    return (datetime.now().astimezone() - timedelta(days=days)).isoformat(timespec="seconds")


def alias(journal: Journal, pseudonym: str = "River", **fields: Any) -> Alias:
    return journal.save(Alias(id=new_id(), pseudonym=pseudonym, **fields))


def session(journal: Journal, *, days_ago: int | None = None, **fields: Any) -> Session:
    fields.setdefault("occurred_at", now_iso() if days_ago is None else ago(days_ago))
    return journal.save(Session(id=new_id(), **fields))


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


def every_kind(
    journal: Journal,
    text: str,
    *,
    alias: dict[str, Any] | None = None,
    session: dict[str, Any] | None = None,
    reflection: dict[str, Any] | None = None,
    follow_up: dict[str, Any] | None = None,
    checkin: dict[str, Any] | None = None,
    event: dict[str, Any] | None = None,
    debrief: dict[str, Any] | None = None,
    supervision: dict[str, Any] | None = None,
    boundary: dict[str, Any] | None = None,
) -> EveryKind:
    """One record of every kind, with `text` in each; the dicts override fields."""
    river = journal.save(
        Alias(id=new_id(), **{"pseudonym": "River", "notes": text, **(alias or {})})
    )
    met = journal.save(
        Session(
            id=new_id(),
            **{
                "alias_id": river.id,
                "occurred_at": "2026-11-20T14:00:00+01:00",
                "notes": text,
                "tags": ["housing"],
                **(session or {}),
            },
        )
    )
    thought = journal.save(
        Reflection(
            id=new_id(),
            **{
                "occurred_on": "2026-11-20",
                "title": "After River",
                "body": text,
                "session_id": met.id,
                "for_supervision": True,
                **(reflection or {}),
            },
        )
    )
    due = journal.save(
        FollowUp(
            id=new_id(),
            **{"alias_id": river.id, "due_on": "2026-11-27", "action": text, **(follow_up or {})},
        )
    )
    felt = journal.save(
        CheckIn(id=new_id(), **{"at": now_iso(), "self_care": text, **(checkin or {})})
    )
    limits = journal.save(
        ConfidentialityEvent(
            id=new_id(), **{"at": now_iso(), "disclosed_minimum": text, **(event or {})}
        )
    )
    after = journal.save(
        Debrief(
            id=new_id(),
            **{
                "at": now_iso(),
                "session_id": met.id,
                "mine": text,
                "activation": 6,
                **(debrief or {}),
            },
        )
    )
    held = journal.save(
        Supervision(
            id=new_id(),
            **{
                "occurred_on": "2026-11-25",
                "items": [thought.id],
                "notes": text,
                **(supervision or {}),
            },
        )
    )
    gift = journal.save(
        BoundaryEvent(
            id=new_id(),
            **{
                "occurred_on": "2026-11-24",
                "alias_id": river.id,
                "what": "gift",
                "response": text,
                **(boundary or {}),
            },
        )
    )
    return EveryKind(river, met, thought, due, felt, limits, after, held, gift)

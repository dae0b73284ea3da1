"""Debriefs: a short, self-directed check after a hard session, and the follow-up it makes.

A debrief (`models.Debrief`) asks how activated I am now, what is mine and what is theirs, who
I will talk to and by when, and one thing I will do for myself tonight. It never asks what
happened: going back over an event in a single debriefing session is not recommended (NICE
NG116; WHO mhGAP), so the record has no place for it.

`save_debrief` writes the debrief and, when it names someone to talk to, a follow-up owned by
me ("Talk to my supervisor"), due on the chosen day and linked to the session (and its alias,
as a follow-up made on the session form is), in one
transaction. When is limited to a couple of days on (`talk_by_problem`): support soon, not
someday.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from peerjournal.core.errors import InvalidRecord, NotFound
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    DEBRIEF_TALK_DAYS,
    DEBRIEF_TALK_MAX_DAYS,
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Session,
    debrief_follow_up_action,
    new_id,
    validate_record,
)


def default_talk_by(today: date) -> date:
    """When I will talk to someone, unless I choose: tomorrow."""
    return today + timedelta(days=DEBRIEF_TALK_DAYS)


def talk_by_problem(talk_by: date, today: date) -> str | None:
    """Why `talk_by` cannot be the day, in words for the form; None when it can."""
    latest = today + timedelta(days=DEBRIEF_TALK_MAX_DAYS)
    if talk_by < today:
        return "When: choose today or a day soon after."
    if talk_by > latest:
        return (
            f"When: within {DEBRIEF_TALK_MAX_DAYS} days (by {latest.isoformat()}). Support "
            "helps most soon after a hard session."
        )
    return None


def save_debrief(journal: Journal, debrief: Debrief, *, today: date | None = None) -> Debrief:
    """Save `debrief` and its follow-up in one transaction; return the debrief as stored.

    A new debrief that names someone to talk to creates a follow-up owned by me, due on
    `talk_by` (tomorrow when not given), linked to the debrief's session (or the event's).
    Editing keeps the same follow-up and, while it is still open, brings its action and due
    date in line; a debrief without anyone to talk to creates none.
    """
    today = today or date.today()
    validate_record(debrief)
    with journal.transaction():
        session_id, alias_id = _linked_session(journal, debrief)
        talk_to = debrief.talk_to.strip()
        if talk_to and not debrief.talk_by:
            debrief.talk_by = default_talk_by(today).isoformat()
        follow_up = _existing_follow_up(journal, debrief.follow_up_id)
        if talk_to and follow_up is None:
            follow_up = FollowUp(
                id=new_id(),
                alias_id=alias_id,
                session_id=session_id,
                due_on=debrief.talk_by or default_talk_by(today).isoformat(),
                action=debrief_follow_up_action(talk_to),
                owner="me",
            )
            journal.save(follow_up)
        elif talk_to and follow_up is not None and follow_up.status == "open":
            changed = replace(
                follow_up,
                due_on=debrief.talk_by or follow_up.due_on,
                action=debrief_follow_up_action(talk_to),
            )
            if changed != follow_up:
                journal.save(changed)
        debrief.follow_up_id = follow_up.id if follow_up is not None else None
        return journal.save(debrief)


def _linked_session(journal: Journal, debrief: Debrief) -> tuple[str | None, str | None]:
    """The session the debrief follows (its own link, or its event's) and that session's alias:
    the follow-up is linked to them, like one made on the session form."""
    session_id, alias_id = debrief.session_id, None
    if debrief.event_id is not None:
        try:
            event = journal.get(ConfidentialityEvent, debrief.event_id)
        except NotFound:
            raise InvalidRecord(
                "This debrief refers to a confidentiality event that does not exist."
            ) from None
        session_id, alias_id = session_id or event.session_id, event.alias_id
    if session_id is not None:
        try:
            alias_id = journal.get(Session, session_id).alias_id or alias_id
        except NotFound:
            raise InvalidRecord("This debrief refers to a session that does not exist.") from None
    return session_id, alias_id


def _existing_follow_up(journal: Journal, follow_up_id: str | None) -> FollowUp | None:
    if not follow_up_id:
        return None
    try:
        return journal.get(FollowUp, follow_up_id)
    except NotFound:
        return None  # deleted since: a new one is made if someone is still named


def debriefs_after(
    journal: Journal, *, session_id: str | None = None, event_id: str | None = None
) -> list[Debrief]:
    """The debriefs that follow a session or a confidentiality event, newest first."""
    column, value = ("session_id", session_id) if session_id else ("event_id", event_id)
    if not value:
        return []
    with journal.locked_connection() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                f"SELECT id FROM debriefs WHERE {column} = ? ORDER BY sort_ts DESC",  # noqa: S608
                (value,),
            )
        ]
    return [journal.get(Debrief, debrief_id) for debrief_id in ids]


__all__ = ["debriefs_after", "default_talk_by", "save_debrief", "talk_by_problem"]

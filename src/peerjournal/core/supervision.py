"""Supervision as a workflow: what is waiting to be brought, what was brought and agreed, and
the figures of the period since the last one.

- **Items for supervision** are the records marked "for supervision": every kind whose model
  has a `for_supervision` field (reflections, confidentiality events, and any kind that adds
  the field later: the query is built from the models). An item is *discussed* once a
  supervision's `items` name it; "discussed on" is the date of the latest such supervision,
  derived from the `supervision_items` index the schema keeps (never stored on the item).
- **Recording a supervision** saves it and its agreed actions, each a follow-up owned by me
  and linked by `supervision_id`, in one transaction.
- **The period summary** opens the digest: sessions and hours, flagged sessions,
  confidentiality events, dual relationships needing a plan, times I shared my story, and,
  only when the supporter opts in for that digest, weekly mood and stress means. Every figure
  is an SQL aggregate over a covering index (schema `_V7_WELLBEING_INDEXES`), never a walk
  over every record.
- **The digest's default range** starts the day after the last supervision (the whole journal
  when there is none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peerjournal.core.boundaries import needing_plan_count
from peerjournal.core.journal import Journal, _one_line, _summarise
from peerjournal.core.models import MARKED_KINDS, FollowUp, Record, Supervision, new_id
from peerjournal.core.wellbeing import (
    MAX_WEEKS,
    _hours,
    _mean,
    local_midnight_micros,
    week_start,
)

SUMMARY_CHARS = 120  # an item's one line in a list


@dataclass(frozen=True)
class SupervisionItem:
    """One record marked for supervision, as a list shows it."""

    id: str
    kind: str
    when: str  # the record's own time, ISO date or date-time with offset
    summary: str  # one line
    discussed_on: str | None  # ISO date of the latest supervision that named it, or None


@dataclass(frozen=True)
class WeekMeans:
    """The supporter's own check-ins in one week (Monday to Sunday, local time) of a period."""

    week_start: date
    checkins: int
    mood: float | None  # None: no check-in that week
    stress: float | None


@dataclass(frozen=True)
class PeriodSummary:
    """The figures of a period, for the digest's opening block."""

    since: date | None  # None: from the start of the journal
    until: date
    sessions: int
    hours: float
    flagged_sessions: int  # a safety flag of concern or limits reached
    confidentiality_events: int
    dual_relationships_needing_plan: int
    shared_my_story: int
    weeks: tuple[WeekMeans, ...] | None = None  # None unless the supporter opted in


def marked_kinds() -> tuple[type[Record], ...]:
    """Every record kind that can be marked for supervision (has a `for_supervision` field)."""
    return MARKED_KINDS


def _marked_sql() -> str:
    """(id, sort_ts) of every record marked for supervision, across kinds; each table's part
    walks its partial index of marked records where the schema has one."""
    return " UNION ALL ".join(
        f"SELECT id, sort_ts FROM {cls.TABLE} WHERE for_supervision = 1"  # noqa: S608
        for cls in marked_kinds()
    )


def _item_line(kind: str, summary: str) -> tuple[str, str]:
    """(when, one line) from an entry's stored summary."""
    line = _summarise(kind, summary, say_marked=False)
    title, preview = line.title, line.preview
    return line.when, _one_line(f"{title}: {preview}" if preview else title, SUMMARY_CHARS)


_SHORT_SUMMARY = (
    f"json_set(e.summary, '$[#-1]', substr(e.summary ->> '$[#-1]', 1, {SUMMARY_CHARS + 40}))"
)


def items_for_supervision(
    journal: Journal, *, discussed: bool | None = False
) -> list[SupervisionItem]:
    """The records marked for supervision, oldest first: not yet discussed (False, the
    default), already discussed (True) or all (None)."""
    where = ""
    if discussed is not None:
        where = f"WHERE m.discussed_on IS {'NOT ' if discussed else ''}NULL"
    # The summary's text (its last element) is cut in SQL to what one line can show: turning
    # 480 characters into a line costs more in Python than the whole query (3,800 items of a
    # 100k journal where nothing was ever discussed: docs/benchmarks.md).
    # Discussed or not is decided before an entry is read, so only the records listed are.
    sql = (
        f"SELECT m.id, e.kind, {_SHORT_SUMMARY}, m.discussed_on FROM ("  # noqa: S608
        "SELECT u.id, u.sort_ts, (SELECT max(occurred_on) FROM supervision_items s "
        f"WHERE s.record_id = u.id) AS discussed_on FROM ({_marked_sql()}) u) m "
        f"JOIN entries e ON e.id = m.id {where} ORDER BY m.sort_ts, m.id"
    )
    items = []
    with journal.locked_connection() as conn:
        rows = conn.execute(sql).fetchall()
    for record_id, kind, summary, discussed_on in rows:
        when, line = _item_line(kind, summary)
        items.append(SupervisionItem(record_id, kind, when, line, discussed_on))
    return items


def discussed_on(journal: Journal, record_ids: Iterable[str]) -> dict[str, str]:
    """id -> the date of the latest supervision that named it, for those of `record_ids`
    that a supervision named (any kind, marked or not)."""
    with journal.locked_connection() as conn:
        return dict(
            conn.execute(
                "SELECT record_id, max(occurred_on) FROM supervision_items "
                "WHERE record_id IN (SELECT value FROM json_each(?)) GROUP BY record_id",
                (json.dumps(list(record_ids)),),
            ).fetchall()
        )


def brought_items(journal: Journal, supervision: Supervision) -> list[SupervisionItem]:
    """The records a supervision names that still exist, in the order it names them."""
    with journal.locked_connection() as conn:
        rows = conn.execute(
            f"SELECT e.id, e.kind, {_SHORT_SUMMARY} FROM json_each(?) j "  # noqa: S608
            "JOIN entries e ON e.id = j.value "
            "ORDER BY j.key",
            (json.dumps(supervision.items),),
        ).fetchall()
    found = discussed_on(journal, [row[0] for row in rows])
    items = []
    for record_id, kind, summary in rows:
        when, line = _item_line(kind, summary)
        items.append(SupervisionItem(record_id, kind, when, line, found.get(record_id)))
    return items


def last_supervision(journal: Journal) -> Supervision | None:
    """The latest supervision (by its date), or None when none is recorded."""
    with journal.locked_connection() as conn:
        row = conn.execute(
            "SELECT id FROM entries WHERE kind = 'supervision' "
            "ORDER BY sort_ts DESC, rowid DESC LIMIT 1"
        ).fetchone()
    return journal.get(Supervision, row[0]) if row else None


def next_supervision_on(journal: Journal) -> date | None:
    """The next supervision date the latest supervision set, if it set one."""
    latest = last_supervision(journal)
    return date.fromisoformat(latest.next_on) if latest and latest.next_on else None


def record_supervision(
    journal: Journal, supervision: Supervision, actions: Sequence[str], due_on: date
) -> Supervision:
    """Save `supervision` and, in the same transaction, each agreed action (blank lines left
    out) as an open follow-up owned by me, due on `due_on` and linked to the supervision."""
    with journal.transaction():
        saved = journal.save(supervision)
        for action in actions:
            if action.strip():
                journal.save(
                    FollowUp(
                        id=new_id(),
                        due_on=due_on.isoformat(),
                        action=action.strip(),
                        owner="me",
                        supervision_id=saved.id,
                    )
                )
    return saved


def agreed_actions(journal: Journal, supervision_id: str) -> list[FollowUp]:
    """The follow-ups agreed in a supervision, whatever their status: soonest due first, then
    in the order they were written."""
    with journal.locked_connection() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM follow_ups WHERE supervision_id = ? ORDER BY due_on, rowid",
                (supervision_id,),
            )
        ]
    return [journal.get(FollowUp, follow_up_id) for follow_up_id in ids]


def digest_default_since(journal: Journal) -> date | None:
    """The day after the last supervision; None (the whole journal) when there is none."""
    latest = last_supervision(journal)
    return date.fromisoformat(latest.occurred_on) + timedelta(days=1) if latest else None


# Sums over the covering time indexes: no record's row (and so no note) is read.
_SESSIONS_IN_RANGE = (
    "SELECT count(*), total(duration_min), total(safety_flag IN ('concern', 'limits_reached')), "
    "total(shared_my_story) FROM sessions INDEXED BY sessions_by_time "
    "WHERE sort_ts >= ? AND sort_ts < ?"
)
_EVENTS_IN_RANGE = (
    "SELECT count(*) FROM entries INDEXED BY entries_by_kind "
    "WHERE kind = 'confidentiality_event' AND sort_ts >= ? AND sort_ts < ?"
)
_FIRST_CHECKIN = "SELECT min(sort_ts) FROM checkins INDEXED BY checkins_by_time"
# One row per week: [start, from, to], each week cut to the period.
_CHECKINS_BY_WEEK = (
    "WITH weeks(start, lo, hi) AS (SELECT value ->> 0, value ->> 1, value ->> 2 "
    "FROM json_each(?)) SELECT w.start, (SELECT json_array(count(*), total(mood), "
    "total(stress)) FROM checkins INDEXED BY checkins_by_time "
    "WHERE sort_ts >= w.lo AND sort_ts < w.hi) FROM weeks w"
)


def period_summary(
    journal: Journal, since: date | None, until: date, *, wellbeing: bool
) -> PeriodSummary:
    """The figures from `since` (None: the start) to `until`, both days included, local time.
    Mood and stress are read only when `wellbeing` is true."""
    low = local_midnight_micros(since) if since else -(2**63)
    high = local_midnight_micros(until + timedelta(days=1))
    with journal.locked_connection() as conn:
        sessions, minutes, flagged, story = conn.execute(_SESSIONS_IN_RANGE, (low, high)).fetchone()
        events = conn.execute(_EVENTS_IN_RANGE, (low, high)).fetchone()[0]
        weeks = _week_means(conn, since, until, low, high) if wellbeing else None
    return PeriodSummary(
        since=since,
        until=until,
        sessions=int(sessions),
        hours=_hours(minutes),
        flagged_sessions=int(flagged),
        confidentiality_events=int(events),
        dual_relationships_needing_plan=needing_plan_count(journal, until),
        shared_my_story=int(story),
        weeks=weeks,
    )


def _week_means(
    conn: Any, since: date | None, until: date, low: int, high: int
) -> tuple[WeekMeans, ...]:
    """Mood and stress means per week of the period, each week cut to the period; without a
    start, from the week of the first check-in (at most MAX_WEEKS weeks back)."""
    if since is None:
        first = conn.execute(_FIRST_CHECKIN).fetchone()[0]
        if first is None:
            return ()
        since = datetime.fromtimestamp(first / 1_000_000).date()
    last = week_start(until)
    start = max(week_start(since), last - timedelta(weeks=MAX_WEEKS - 1))
    bounds = []
    while start <= last:
        lo = max(local_midnight_micros(start), low)
        hi = min(local_midnight_micros(start + timedelta(weeks=1)), high)
        bounds.append([start.isoformat(), lo, hi])
        start += timedelta(weeks=1)
    weeks = []
    for key, sums in conn.execute(_CHECKINS_BY_WEEK, (json.dumps(bounds),)):
        count, mood, stress = json.loads(sums)
        weeks.append(
            WeekMeans(date.fromisoformat(key), count, _mean(mood, count), _mean(stress, count))
        )
    return tuple(weeks)


def summary_lines(summary: PeriodSummary) -> list[str]:
    """The period summary as plain lines (Markdown list items), for the digest and the CLI."""
    lines = [
        f"- Sessions: {summary.sessions} ({_number(summary.hours)} hours)",
        f"- Sessions flagged (a concern, or the limits of confidentiality reached): "
        f"{summary.flagged_sessions}",
        f"- Confidentiality events recorded: {summary.confidentiality_events}",
        f"- Dual relationships that need an agreed plan: {summary.dual_relationships_needing_plan}",
        f"- Times I shared my story: {summary.shared_my_story}",
    ]
    if summary.weeks is not None:
        if not summary.weeks or not any(week.checkins for week in summary.weeks):
            lines.append("- Mood and stress: no check-ins in this period")
        else:
            lines.append("- Mood and stress, weekly means (1 to 5), by the week's Monday:")
            for week in summary.weeks:
                if week.checkins:
                    lines.append(
                        f"  - {week.week_start.isoformat()}: mood {_number(week.mood)}, "
                        f"stress {_number(week.stress)} ({week.checkins} "
                        f"{'check-in' if week.checkins == 1 else 'check-ins'})"
                    )
    return lines


def _number(value: float | None) -> str:
    """2.0 -> '2', 2.5 -> '2.5', 2.25 -> '2.25'."""
    if value is None:
        return "-"
    return f"{value:.2f}".rstrip("0").rstrip(".")

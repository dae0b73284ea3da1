"""How I have been, and what the work has asked of me: weekly sums for "My wellbeing".

Everything here is computed from SQL aggregates over indexes, never by loading every record:

- **Weeks** start on Monday at 00:00 in the machine's local time zone, and a record belongs to
  the week its own moment falls in *on this machine's clock* (its `sort_ts`, the instant the
  stored time with its offset names). This is what the timeline shows too: a check-in stored
  as 23:30 on a Sunday in New York (`-05:00`) reads as 04:30 on Monday on a laptop set to
  London, and counts in that Monday's week there. The week boundaries are local midnights
  computed one by one, so a week with a daylight-saving change is 167 or 169 hours long and
  nothing slips across a boundary.
- Per week (`WeekSummary`): check-ins and the means of mood, energy and stress (rounded half
  up to 2 decimals, `None` when the week has no check-in); sessions, hours, individual and
  group sessions, flagged sessions (a safety flag of concern or limits reached),
  confidentiality events, times I shared my story, and debriefs. Each kind of record is one
  query that walks its covering time index (schema `_V7_WELLBEING_INDEXES`) once per week:
  no record's row, and so no note, is read for the sums.
- **Debriefs** (a short check after a hard session, `models.Debrief`): their weekly count, and
  the weekly mean of the activation (0 to 10) noted in them, from the covering index
  `debriefs_by_time` (schema `_V9_DEBRIEFS`). The activation is not in the CLI's JSON: its
  fields are fixed by issue 17.
- **Self-care notes** of the period, most frequent first: each check-in's note is split into
  phrases (at commas, semicolons and new lines), compared without case or surrounding
  punctuation, and counted over compact rows: the first 120 characters of each of the newest
  400 notes of the period (a year of daily check-ins is 364).
- **Last check-in**: how many calendar days ago the latest check-in (up to today) was.
- **Sustained strain** (`StrainNotice`): stress of 4 or 5 in at least 5 of the last 7
  check-ins, or the weekly stress mean rising in each of the last three complete weeks while
  the number of sessions rose too. It is one calm, non-diagnostic line pointing to
  supervision, the person's own supports and their employer's assistance programme; the
  person can turn it off (`STRAIN_NOTICE_SETTING`). Never a verdict.
- **On this day**: timeline entries from the same date a year ago, a handful at most.

This module never scores, ranks or streaks anything: it reflects back what was written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from peerjournal.core.errors import UsageError
from peerjournal.core.journal import Journal, TimelineItem

DEFAULT_WEEKS = 12
MAX_WEEKS = 520  # ten years: enough for any look back, and a bound on the work
PERIODS = (4, 12, 52)  # what the app offers
SELF_CARE_NOTES = 8  # at most this many phrases are returned
SELF_CARE_CHARS = 120  # of each note, cut in SQL; a phrase longer than a line is rare
SELF_CARE_MAX_NOTES = 400  # the newest notes of the period that are counted
PHRASE_CHARS = 60
ON_THIS_DAY_LIMIT = 5
LAST_CHECKIN_NOTICE_DAYS = 3  # the timeline mentions the last check-in after this many days

STRAIN_NOTICE_SETTING = "wellbeing_strain_notice"  # bool, default on
ON_THIS_DAY_SETTING = "wellbeing_on_this_day"  # bool, default on
STRAIN_RECENT_CHECKINS = 7
STRAIN_HIGH_STRESS = 4
STRAIN_HIGH_COUNT = 5
STRAIN_RISING_WEEKS = 3

STRAIN_SUGGESTION = (
    "Supervision, the people who support you and your employer's assistance programme "
    "(if you have one) are there for stretches like this."
)


@dataclass(frozen=True)
class WeekSummary:
    """One week, Monday to Sunday in local time."""

    week_start: date
    checkins: int
    mood: float | None
    energy: float | None
    stress: float | None
    sessions: int
    hours: float
    individual_sessions: int
    group_sessions: int
    flagged_sessions: int  # safety flag: concern or limits reached
    confidentiality_events: int
    shared_my_story: int
    debriefs: int
    # The mean activation (0-10) of the week's debriefs that noted one; None without. Shown on
    # the screen and in the CLI's text; not in its JSON, whose fields issue 17 fixed.
    activation: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The fields of `peerjournal wellbeing --format json`, exactly (a stable format)."""
        return {
            "week_start": self.week_start.isoformat(),
            "checkins": self.checkins,
            "mood": self.mood,
            "energy": self.energy,
            "stress": self.stress,
            "sessions": self.sessions,
            "hours": self.hours,
            "flagged_sessions": self.flagged_sessions,
            "debriefs": self.debriefs,
        }


@dataclass(frozen=True)
class SelfCareNote:
    text: str  # as most recently written (without surrounding punctuation)
    count: int


@dataclass(frozen=True)
class StrainNotice:
    """What was noticed (plain facts) and where support is."""

    reason: str
    suggestion: str = STRAIN_SUGGESTION

    @property
    def text(self) -> str:
        return f"{self.reason} {self.suggestion}"


@dataclass(frozen=True)
class WellbeingSummary:
    today: date
    weeks: list[WeekSummary]  # oldest first, the current week last
    self_care: list[SelfCareNote]  # most frequent first
    last_checkin_days: int | None  # None: no check-in yet
    strain: StrainNotice | None  # None: nothing noticed, or the notice is turned off
    on_this_day: list[TimelineItem] | None  # entries from a year ago; None: turned off
    on_this_day_date: date

    def to_json(self) -> dict[str, Any]:
        return {"weeks": [week.to_json() for week in self.weeks]}


# --------------------------------------------------------------------------------------------
# Weeks and their boundaries


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, ending with today's week."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise UsageError(f"The number of weeks must be from 1 to {MAX_WEEKS}.")
    current = week_start(today)
    return [current - timedelta(weeks=weeks - 1 - index) for index in range(weeks)]


def local_midnight_micros(day: date) -> int:
    """Microseconds since the epoch (UTC) of 00:00 on `day` in the local time zone."""
    return int(datetime.combine(day, time(0, 0)).astimezone().timestamp() * 1_000_000)


_WEEK = timedelta(weeks=1)


def _bounds(starts: Sequence[date]) -> str:
    """The weeks as JSON [[start, from_micros, to_micros], ...] for the queries' json_each."""
    return json.dumps(
        [
            [start.isoformat(), local_midnight_micros(start), local_midnight_micros(start + _WEEK)]
            for start in starts
        ]
    )


# The weeks as a table: one row per week, with its bounds in sort_ts units.
_WEEKS_CTE = (
    "WITH weeks(start, lo, hi) AS (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)) "
)
# Per week, one correlated subquery walks that week's range of one covering index and returns
# every sum at once (a JSON array). A join grouped by week was 3-20x slower at 100k entries:
# it sorted every joined row by its week (docs/benchmarks.md).
CHECKINS_BY_WEEK = (
    _WEEKS_CTE + "SELECT w.start, (SELECT json_array(count(*), total(mood), total(energy), "
    "total(stress)) FROM checkins INDEXED BY checkins_by_time "
    "WHERE sort_ts >= w.lo AND sort_ts < w.hi) FROM weeks w"
)
SESSIONS_BY_WEEK = (
    _WEEKS_CTE + "SELECT w.start, (SELECT json_array(count(*), total(duration_min), "
    "total(modality = 'individual'), total(modality = 'group'), "
    "total(safety_flag IN ('concern', 'limits_reached')), total(shared_my_story)) "
    "FROM sessions INDEXED BY sessions_by_time WHERE sort_ts >= w.lo AND sort_ts < w.hi) "
    "FROM weeks w"
)
EVENTS_BY_WEEK = (
    _WEEKS_CTE + "SELECT w.start, (SELECT count(*) FROM entries INDEXED BY entries_by_kind "
    "WHERE kind = 'confidentiality_event' AND sort_ts >= w.lo AND sort_ts < w.hi) FROM weeks w"
)
DEBRIEFS_BY_WEEK = (
    _WEEKS_CTE + "SELECT w.start, (SELECT json_array(count(*), total(activation), "
    "count(activation)) FROM debriefs INDEXED BY debriefs_by_time "
    "WHERE sort_ts >= w.lo AND sort_ts < w.hi) FROM weeks w"
)
# The newest notes of the period, cut in SQL: compact rows, and a bound on the work when a
# journal holds more check-ins than a person writes in a year (one a day is 364).
SELF_CARE_IN_RANGE = (
    f"SELECT substr(self_care, 1, {SELF_CARE_CHARS}) FROM checkins INDEXED BY checkins_by_time "
    "WHERE sort_ts >= ? AND sort_ts < ? AND self_care <> '' ORDER BY sort_ts DESC "
    f"LIMIT {SELF_CARE_MAX_NOTES}"
)
LAST_CHECKINS = (
    "SELECT sort_ts, stress FROM checkins INDEXED BY checkins_by_time WHERE sort_ts < ? "
    "ORDER BY sort_ts DESC LIMIT ?"
)


def _mean(total: float, count: int) -> float | None:
    """A mean rounded half up to 2 decimals (2.125 -> 2.13), or None without values."""
    if not count:
        return None
    exact = Decimal(int(total)) / Decimal(count)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _hours(minutes: float) -> float:
    exact = Decimal(int(minutes)) / Decimal(60)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _debriefs_per_week(conn: Any, bounds: str) -> dict[str, tuple[int, float | None]]:
    """Debriefs per week, and the mean activation (0-10) of those that noted one.

    One walk of the covering index `debriefs_by_time` (sort_ts, activation) per week, like the
    check-ins: no debrief's text is read.
    """
    sums = {start: json.loads(row) for start, row in conn.execute(DEBRIEFS_BY_WEEK, (bounds,))}
    return {start: (count, _mean(total, noted)) for start, (count, total, noted) in sums.items()}


def weekly(conn: Any, starts: Sequence[date]) -> list[WeekSummary]:
    """The sums for these weeks (Mondays), in their order. Needs the journal's lock held."""
    bounds = _bounds(starts)
    checkins = {
        start: json.loads(sums) for start, sums in conn.execute(CHECKINS_BY_WEEK, (bounds,))
    }
    sessions = {
        start: json.loads(sums) for start, sums in conn.execute(SESSIONS_BY_WEEK, (bounds,))
    }
    events = dict(conn.execute(EVENTS_BY_WEEK, (bounds,)).fetchall())
    debriefs = _debriefs_per_week(conn, bounds)
    weeks = []
    for start in starts:
        key = start.isoformat()
        count, mood, energy, stress = checkins[key]
        held, minutes, individual, group, flagged, story = sessions[key]
        weeks.append(
            WeekSummary(
                week_start=start,
                checkins=count,
                mood=_mean(mood, count),
                energy=_mean(energy, count),
                stress=_mean(stress, count),
                sessions=held,
                hours=_hours(minutes),
                individual_sessions=int(individual),
                group_sessions=int(group),
                flagged_sessions=int(flagged),
                confidentiality_events=events[key],
                shared_my_story=int(story),
                debriefs=debriefs[key][0],
                activation=debriefs[key][1],
            )
        )
    return weeks


# --------------------------------------------------------------------------------------------
# Self-care notes

_PHRASE_BREAK = re.compile(r"[,;\n]+")
_EDGES = " \t-–—*•\"':.!?"


def count_self_care(notes: Sequence[str], limit: int = SELF_CARE_NOTES) -> list[SelfCareNote]:
    """The phrases of `notes` (newest first), most frequent first; ties: most recent first."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    order: dict[str, int] = {}
    for note in notes:
        for piece in _PHRASE_BREAK.split(note):
            phrase = " ".join(piece.split()).strip(_EDGES)
            if not phrase:
                continue
            key = phrase.casefold()
            counts[key] = counts.get(key, 0) + 1
            spelling.setdefault(key, phrase)  # the newest spelling: notes come newest first
            order.setdefault(key, len(order))
    ranked = sorted(counts, key=lambda key: (-counts[key], order[key]))
    return [SelfCareNote(_cut(spelling[key]), counts[key]) for key in ranked[:limit]]


def _cut(text: str) -> str:
    return text if len(text) <= PHRASE_CHARS else text[: PHRASE_CHARS - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------
# Sustained strain


def strain_notice(
    recent_stress: Sequence[int], weeks: Sequence[WeekSummary]
) -> StrainNotice | None:
    """The rule of issue 17, or None.

    `recent_stress`: the stress of the latest check-ins, newest first (at most 7 are read).
    `weeks`: complete weeks, oldest first; the last STRAIN_RISING_WEEKS + 1 are compared.
    """
    last = list(recent_stress[:STRAIN_RECENT_CHECKINS])
    high = sum(1 for stress in last if stress >= STRAIN_HIGH_STRESS)
    if high >= STRAIN_HIGH_COUNT:
        return StrainNotice(
            f"Stress was {STRAIN_HIGH_STRESS} or 5 in {high} of your last {len(last)} check-ins."
        )
    compared = list(weeks[-(STRAIN_RISING_WEEKS + 1) :])
    if len(compared) == STRAIN_RISING_WEEKS + 1 and _rising(compared):
        return StrainNotice(
            "Your weekly stress has gone up three weeks running, and so has the number of sessions."
        )
    return None


def _rising(weeks: Sequence[WeekSummary]) -> bool:
    stresses = [week.stress for week in weeks]
    if any(stress is None for stress in stresses):
        return False
    pairs = list(zip(weeks, weeks[1:], strict=False))
    return all(
        (later.stress or 0) > (earlier.stress or 0) and later.sessions > earlier.sessions
        for earlier, later in pairs
    )


# --------------------------------------------------------------------------------------------
# The summary


def a_year_before(day: date) -> date:
    """The same date a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _local_day(sort_ts: int) -> date:
    return datetime.fromtimestamp(sort_ts / 1_000_000).date()


def last_checkin_days(journal: Journal, today: date) -> int | None:
    """Calendar days since the latest check-in on or before today; None without one."""
    with journal.locked_connection() as conn:
        row = conn.execute(LAST_CHECKINS, (local_midnight_micros(today + timedelta(days=1)), 1))
        latest = row.fetchone()
    return (today - _local_day(latest[0])).days if latest else None


def wellbeing_summary(
    journal: Journal, *, weeks: int = DEFAULT_WEEKS, today: date | None = None
) -> WellbeingSummary:
    """Everything "My wellbeing" shows for the last `weeks` weeks (blocking: run it in a
    worker). Reads the two wellbeing settings; a notice or panel turned off comes back empty.
    """
    today = today or date.today()
    starts = week_starts(today, weeks)
    # The strain rule compares the complete weeks before this one.
    strain_starts = week_starts(today, STRAIN_RISING_WEEKS + 2)[:-1]
    tomorrow = local_midnight_micros(today + timedelta(days=1))
    show_strain = journal.setting(STRAIN_NOTICE_SETTING, True) is not False
    show_year_ago = journal.setting(ON_THIS_DAY_SETTING, True) is not False
    with journal.locked_connection() as conn:
        summary_weeks = weekly(conn, starts)
        notes = [
            note
            for (note,) in conn.execute(
                SELF_CARE_IN_RANGE, (local_midnight_micros(starts[0]), tomorrow)
            )
        ]
        recent = conn.execute(LAST_CHECKINS, (tomorrow, STRAIN_RECENT_CHECKINS)).fetchall()
        strain = None
        if show_strain:
            by_start = {week.week_start: week for week in summary_weeks}
            if all(start in by_start for start in strain_starts):
                strain_weeks = [by_start[start] for start in strain_starts]
            else:
                strain_weeks = weekly(conn, strain_starts)
            strain = strain_notice([stress for _, stress in recent], strain_weeks)
    year_ago = a_year_before(today)
    on_this_day = (
        journal.timeline(limit=ON_THIS_DAY_LIMIT, since=year_ago, until=year_ago).items
        if show_year_ago
        else None
    )
    return WellbeingSummary(
        today=today,
        weeks=summary_weeks,
        self_care=count_self_care(notes),
        last_checkin_days=(today - _local_day(recent[0][0])).days if recent else None,
        strain=strain,
        on_this_day=on_this_day,
        on_this_day_date=year_ago,
    )


# --------------------------------------------------------------------------------------------
# Drawing (plain strings, for the CLI and the app alike)

_BARS = "▁▂▃▄▅▆▇█"
NO_VALUE = "·"


def sparkline(values: Sequence[float | None], low: float, high: float) -> str:
    """One character per value on a fixed scale from `low` to `high`; NO_VALUE for None.

    A fixed scale (1 to 5 for mood, energy and stress) keeps a small change looking small.
    """
    span = high - low
    marks = []
    for value in values:
        if value is None:
            marks.append(NO_VALUE)
            continue
        share = 0.0 if span <= 0 else (min(max(value, low), high) - low) / span
        marks.append(_BARS[round(share * (len(_BARS) - 1))])
    return "".join(marks)


__all__ = [
    "DEFAULT_WEEKS",
    "MAX_WEEKS",
    "ON_THIS_DAY_SETTING",
    "PERIODS",
    "STRAIN_NOTICE_SETTING",
    "SelfCareNote",
    "StrainNotice",
    "WeekSummary",
    "WellbeingSummary",
    "a_year_before",
    "count_self_care",
    "last_checkin_days",
    "local_midnight_micros",
    "sparkline",
    "strain_notice",
    "week_start",
    "week_starts",
    "weekly",
    "wellbeing_summary",
]

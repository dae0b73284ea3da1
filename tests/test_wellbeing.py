"""Weekly wellbeing sums on hand-built journals with known answers (core/wellbeing.py).

Weeks start on Monday at local midnight; a record counts in the week its moment falls in on
this machine's clock. The cases: empty weeks, daylight-saving changes in spring and autumn,
stored times with other offsets, 23:59 on a Sunday against 00:01 on the Monday.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerjournal.core import wellbeing
from peerjournal.core.errors import UsageError
from peerjournal.core.journal import Journal
from peerjournal.core.models import CheckIn, ConfidentialityEvent, Reflection, Session, new_id
from peerjournal.core.wellbeing import (
    STRAIN_NOTICE_SETTING,
    WeekSummary,
    a_year_before,
    count_self_care,
    last_checkin_days,
    sparkline,
    strain_notice,
    week_starts,
    wellbeing_summary,
)


def checkin(
    journal: Journal, at: str, mood: int = 3, energy: int = 3, stress: int = 3, note: str = ""
) -> None:
    journal.save(
        CheckIn(id=new_id(), at=at, mood=mood, energy=energy, stress=stress, self_care=note)
    )


def session(journal: Journal, at: str, minutes: int | None = 60, **fields: object) -> Session:
    return journal.save(Session(id=new_id(), occurred_at=at, duration_min=minutes, **fields))  # type: ignore[arg-type]


def by_start(summary: wellbeing.WellbeingSummary) -> dict[str, WeekSummary]:
    return {week.week_start.isoformat(): week for week in summary.weeks}


# --------------------------------------------------------------------------------------------
# Weeks


def test_week_starts_are_mondays_oldest_first_ending_this_week() -> None:
    starts = week_starts(date(2026, 11, 29), 3)  # a Sunday
    assert starts == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert week_starts(date(2026, 11, 30), 1) == [date(2026, 11, 30)]  # a Monday


@pytest.mark.parametrize("weeks", [0, -1, wellbeing.MAX_WEEKS + 1])
def test_a_number_of_weeks_out_of_range_is_refused(weeks: int) -> None:
    with pytest.raises(UsageError):
        week_starts(date(2026, 11, 29), weeks)


def test_spring_dst_offsets_and_empty_weeks_london(journal: Journal, zone) -> None:
    """London, March 2026: clocks go forward at 01:00 UTC on Sunday 29 March."""
    zone("Europe/London")
    # Paris, Monday 00:30 = London, Sunday 8 March 23:30: the week of 2 March here.
    checkin(journal, "2026-03-09T00:30:00+01:00", mood=4, energy=2, stress=1)
    # New York, Sunday 23:30 = London, Monday 16 March 04:30: the week of 16 March.
    checkin(journal, "2026-03-15T23:30:00-05:00", mood=1, energy=1, stress=2)
    # The week of the change: from Monday 00:00 GMT to Sunday 23:59 BST (167 hours).
    checkin(journal, "2026-03-23T00:00:00+00:00", mood=2, energy=1, stress=5)
    checkin(journal, "2026-03-29T23:59:00+01:00", mood=4, energy=2, stress=4)
    # One minute into the next week (22:01 UTC on Sunday: a 168-hour week would miss it).
    checkin(journal, "2026-03-30T00:01:00+01:00", mood=5, energy=5, stress=1)
    session(journal, "2026-03-24T10:00:00+00:00", 50, safety_flag="concern")
    session(journal, "2026-03-29T23:30:00+01:00", 90, modality="group", shared_my_story=True)
    held = session(journal, "2026-03-30T00:30:00+01:00", 45, safety_flag="limits_reached")
    journal.save(
        ConfidentialityEvent(id=new_id(), session_id=held.id, at="2026-03-30T00:30:00+01:00")
    )
    journal.save(ConfidentialityEvent(id=new_id(), at="2026-03-29T23:00:00+01:00"))

    summary = wellbeing_summary(journal, weeks=5, today=date(2026, 3, 31))
    weeks = by_start(summary)
    assert list(weeks) == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
    assert [w.checkins for w in summary.weeks] == [1, 0, 1, 2, 1]
    empty = weeks["2026-03-09"]  # both check-ins dated 9-15 March fall outside it here
    assert (empty.mood, empty.energy, empty.stress, empty.sessions, empty.hours) == (
        None,
        None,
        None,
        0,
        0.0,
    )
    change = weeks["2026-03-23"]
    assert (change.mood, change.energy, change.stress) == (3.0, 1.5, 4.5)
    assert (change.sessions, change.hours) == (2, 2.33)  # 140 minutes
    assert (change.individual_sessions, change.group_sessions) == (1, 1)
    assert (change.flagged_sessions, change.shared_my_story) == (1, 1)
    assert change.confidentiality_events == 1
    after = weeks["2026-03-30"]
    assert (after.mood, after.checkins, after.sessions, after.hours) == (5.0, 1, 1, 0.75)
    assert (after.flagged_sessions, after.confidentiality_events) == (1, 1)
    assert all(week.debriefs == 0 for week in summary.weeks)


def test_autumn_dst_sunday_2359_and_monday_0001(journal: Journal, zone) -> None:
    """London, October 2026: clocks go back at 01:00 UTC on Sunday 25 October (169 hours)."""
    zone("Europe/London")
    checkin(journal, "2026-10-19T00:00:00+01:00", stress=2)  # the first minute of the week
    checkin(journal, "2026-10-25T23:59:00+00:00", stress=4)  # a 168-hour week would drop it
    checkin(journal, "2026-10-26T00:01:00+00:00", stress=5)
    summary = wellbeing_summary(journal, weeks=2, today=date(2026, 10, 27))
    weeks = by_start(summary)
    assert (weeks["2026-10-19"].checkins, weeks["2026-10-19"].stress) == (2, 3.0)
    assert (weeks["2026-10-26"].checkins, weeks["2026-10-26"].stress) == (1, 5.0)


def test_sunday_2359_and_monday_0001_in_another_zone(journal: Journal, zone) -> None:
    """Tokyo has no daylight saving; times stored in UTC are read on Tokyo's clock."""
    zone("Asia/Tokyo")
    checkin(journal, "2026-11-22T14:59:00+00:00", mood=1)  # Sunday 23:59 in Tokyo
    checkin(journal, "2026-11-22T15:01:00+00:00", mood=5)  # Monday 00:01 in Tokyo
    summary = wellbeing_summary(journal, weeks=2, today=date(2026, 11, 24))
    assert [(w.week_start.isoformat(), w.checkins, w.mood) for w in summary.weeks] == [
        ("2026-11-16", 1, 1.0),
        ("2026-11-23", 1, 5.0),
    ]


def test_means_round_half_up_to_two_decimals(journal: Journal, zone) -> None:
    zone("UTC")
    for index, mood in enumerate((1, 2, 2, 3, 3, 2, 2, 2)):  # 17 / 8 = 2.125
        checkin(
            journal,
            f"2026-11-2{3 + index % 4}T1{index}:00:00+00:00",
            mood=mood,
            stress=index % 2 + 1,
        )
    week = wellbeing_summary(journal, weeks=1, today=date(2026, 11, 27)).weeks[0]
    assert (week.checkins, week.mood, week.stress) == (8, 2.13, 1.5)


def test_records_after_today_and_before_the_period_are_left_out(journal: Journal, zone) -> None:
    zone("UTC")
    checkin(journal, "2026-11-08T12:00:00+00:00", note="too early")
    checkin(journal, "2026-11-23T12:00:00+00:00", note="in")
    summary = wellbeing_summary(journal, weeks=2, today=date(2026, 11, 24))
    assert [w.checkins for w in summary.weeks] == [0, 1]
    assert [note.text for note in summary.self_care] == ["in"]


def test_json_has_exactly_the_issue_fields(journal: Journal, zone) -> None:
    zone("UTC")
    checkin(journal, "2026-11-23T12:00:00+00:00", mood=4, energy=3, stress=2)
    session(journal, "2026-11-23T09:00:00+00:00", 45)
    document = wellbeing_summary(journal, weeks=2, today=date(2026, 11, 24)).to_json()
    assert document == {
        "weeks": [
            {
                "week_start": "2026-11-16",
                "checkins": 0,
                "mood": None,
                "energy": None,
                "stress": None,
                "sessions": 0,
                "hours": 0.0,
                "flagged_sessions": 0,
                "debriefs": 0,
            },
            {
                "week_start": "2026-11-23",
                "checkins": 1,
                "mood": 4.0,
                "energy": 3.0,
                "stress": 2.0,
                "sessions": 1,
                "hours": 0.75,
                "flagged_sessions": 0,
                "debriefs": 0,
            },
        ]
    }


def test_the_queries_walk_covering_indexes(journal: Journal) -> None:
    bounds = '[["2026-11-23", 0, 1]]'
    expected = {
        wellbeing.CHECKINS_BY_WEEK: "USING COVERING INDEX checkins_by_time",
        wellbeing.SESSIONS_BY_WEEK: "USING COVERING INDEX sessions_by_time",
        wellbeing.EVENTS_BY_WEEK: "USING COVERING INDEX entries_by_kind",
        wellbeing.DEBRIEFS_BY_WEEK: "USING COVERING INDEX debriefs_by_time",
    }
    with journal.locked_connection() as conn:
        for query, index in expected.items():
            plan = " | ".join(
                row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + query, (bounds,))
            )
            assert index in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # no sorting of every row by its week
            assert all(
                part.startswith("SCAN json_each") for part in plan.split(" | ") if "SCAN" in part
            )


# --------------------------------------------------------------------------------------------
# Self-care, last check-in, on this day


def test_self_care_phrases_most_frequent_first() -> None:
    notes = [  # newest first
        "Early night, called my sister.",
        "early night",
        "Long walk; EARLY NIGHT",
        "Called my sister\nswim",
        "swim",
        "Gardening. Hands in the soil helps.",
    ]
    counted = count_self_care(notes)
    assert [(note.text, note.count) for note in counted] == [
        ("Early night", 3),
        ("called my sister", 2),
        ("swim", 2),
        ("Long walk", 1),
        ("Gardening. Hands in the soil helps", 1),
    ]
    assert len(count_self_care(notes, limit=2)) == 2


def test_last_checkin_age_in_days(journal: Journal, zone) -> None:
    zone("Europe/London")
    assert last_checkin_days(journal, date(2026, 11, 27)) is None
    checkin(journal, "2026-11-18T23:30:00+00:00")
    checkin(journal, "2026-11-29T09:00:00+00:00")  # after "today": not the last one yet
    assert last_checkin_days(journal, date(2026, 11, 27)) == 9
    summary = wellbeing_summary(journal, weeks=1, today=date(2026, 11, 27))
    assert summary.last_checkin_days == 9


def test_on_this_day_shows_entries_from_a_year_ago(journal: Journal, zone) -> None:
    zone("UTC")
    checkin(journal, "2025-11-27T20:00:00+00:00", note="a year ago today")
    checkin(journal, "2025-11-26T20:00:00+00:00", note="a day too early")
    journal.save(Reflection(id=new_id(), occurred_on="2025-11-27", title="Looking back"))
    summary = wellbeing_summary(journal, weeks=1, today=date(2026, 11, 27))
    assert summary.on_this_day_date == date(2025, 11, 27)
    assert summary.on_this_day is not None
    # Both, newest first; which is newer depends on the time of day the reflection was written
    # (it sorts at that time on its date), so the test checks what is shown, not the order.
    assert sorted(item.kind for item in summary.on_this_day) == ["checkin", "reflection"]
    (shown,) = [item for item in summary.on_this_day if item.kind == "checkin"]
    assert shown.preview == "a year ago today"
    times = [item.cursor.sort_ts for item in summary.on_this_day]
    assert times == sorted(times, reverse=True)
    journal.set_setting(wellbeing.ON_THIS_DAY_SETTING, False)
    assert wellbeing_summary(journal, weeks=1, today=date(2026, 11, 27)).on_this_day is None


def test_a_year_before_29_february() -> None:
    assert a_year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert a_year_before(date(2026, 11, 27)) == date(2025, 11, 27)


# --------------------------------------------------------------------------------------------
# Sustained strain


def _week(start: str, stress: float | None, sessions: int) -> WeekSummary:
    return WeekSummary(
        date.fromisoformat(start), 1, 3.0, 3.0, stress, sessions, 1.0, sessions, 0, 0, 0, 0, 0
    )


def test_strain_high_stress_in_five_of_the_last_seven() -> None:
    notice = strain_notice([4, 5, 2, 4, 1, 5, 4, 1], [])
    assert notice is not None
    assert notice.reason == "Stress was 4 or 5 in 5 of your last 7 check-ins."
    assert "supervision" in notice.text.lower() and "assistance programme" in notice.text
    assert strain_notice([4, 5, 2, 4, 1, 3, 4, 5, 5], []) is None  # only 4 of the last 7
    assert strain_notice([5, 5, 5, 5], []) is None  # fewer than 5 check-ins


def test_strain_rising_stress_while_sessions_rise() -> None:
    rising = [
        _week("2026-10-26", 2.0, 3),
        _week("2026-11-02", 2.5, 4),
        _week("2026-11-09", 3.0, 5),
        _week("2026-11-16", 3.25, 7),
    ]
    notice = strain_notice([3, 3, 3], rising)
    assert notice is not None and "three weeks running" in notice.reason
    flat_sessions = [*rising[:3], _week("2026-11-16", 3.25, 5)]
    assert strain_notice([3], flat_sessions) is None
    missing_week = [*rising[:2], _week("2026-11-09", None, 5), rising[3]]
    assert strain_notice([3], missing_week) is None
    assert strain_notice([3], rising[1:]) is None  # two rises are not three


def test_strain_rule_uses_complete_weeks_and_the_setting(journal: Journal, zone) -> None:
    zone("UTC")
    # Four complete weeks (Mondays 26 Oct to 16 Nov) of rising stress and sessions.
    for week, (stress, sessions) in enumerate(((2, 1), (3, 2), (4, 3), (5, 4))):
        day = 26 + week * 7
        month, day = (10, day) if day <= 31 else (11, day - 31)
        checkin(journal, f"2026-{month:02d}-{day:02d}T20:00:00+00:00", stress=stress)
        checkin(journal, f"2026-{month:02d}-{day:02d}T21:00:00+00:00", stress=1)
        for index in range(sessions):
            session(journal, f"2026-{month:02d}-{day:02d}T1{index}:00:00+00:00")
    today = date(2026, 11, 24)  # the current week (from 23 Nov) is left out of the rule
    summary = wellbeing_summary(journal, weeks=1, today=today)  # fewer weeks than the rule
    assert summary.strain is not None and "three weeks running" in summary.strain.reason
    journal.set_setting(STRAIN_NOTICE_SETTING, False)
    assert wellbeing_summary(journal, weeks=12, today=today).strain is None


def test_no_verdicts_in_the_words() -> None:
    source = Path(wellbeing.__file__).read_text().lower()
    for word in ("burnout", "burn-out", "burned out", "burnt out"):
        assert word not in source


# --------------------------------------------------------------------------------------------
# Drawing


def test_sparkline_fixed_scale_and_gaps() -> None:
    assert sparkline([1.0, 3.0, 5.0, None, 6.0, 0.0], 1, 5) == "▁▅█·█▁"
    assert sparkline([0, 0], 0, 0) == "▁▁"


def test_self_care_counts_the_newest_notes_of_the_period_cut_short(journal: Journal, zone) -> None:
    zone("UTC")
    checkin(journal, "2026-11-23T06:00:00+00:00", note="the oldest, left out")
    for index in range(wellbeing.SELF_CARE_MAX_NOTES):
        checkin(journal, f"2026-11-2{3 + index % 5}T{7 + index % 12:02d}:00:00+00:00", note="walk")
    checkin(journal, "2026-11-27T23:00:00+00:00", note="x" * 200 + ", tea")
    notes = wellbeing_summary(journal, weeks=1, today=date(2026, 11, 27)).self_care
    assert [(note.text[:3], note.count) for note in notes] == [("wal", 399), ("xxx", 1)]
    assert len(notes[1].text) == wellbeing.PHRASE_CHARS  # cut at 120 in SQL, shown at 60

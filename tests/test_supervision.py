"""Supervision in the core (core/supervision.py): what waits to be brought, what was brought
and agreed, and the figures of a period, on hand-built journals with known answers.

The journal of `cycle`: two reflections and two events, some marked for supervision; a first
supervision that discussed two of them, a second that discussed one more; and one marked
after the second supervision, not yet discussed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from peerjournal.core import supervision
from peerjournal.core.boundaries import needing_plan_count
from peerjournal.core.errors import InvalidRecord
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    Supervision,
    new_id,
)
from peerjournal.core.supervision import (
    PeriodSummary,
    WeekMeans,
    agreed_actions,
    brought_items,
    digest_default_since,
    items_for_supervision,
    last_supervision,
    next_supervision_on,
    period_summary,
    record_supervision,
    summary_lines,
)


@dataclass
class Cycle:
    first_reflection: str
    first_event: str
    unmarked: str
    second_reflection: str
    second_event: str
    after_both: str
    first: Supervision
    second: Supervision


def reflection(journal: Journal, day: str, title: str, marked: bool = True) -> str:
    return journal.save(
        Reflection(
            id=new_id(), occurred_on=day, title=title, body=f"{title} body", for_supervision=marked
        )
    ).id


def event(journal: Journal, at: str, marked: bool = True) -> str:
    return journal.save(
        ConfidentialityEvent(
            id=new_id(),
            at=at,
            category="risk_to_self",
            notes="what happened",
            for_supervision=marked,
        )
    ).id


@pytest.fixture
def cycle(journal: Journal) -> Cycle:
    r1 = reflection(journal, "2026-10-05", "First worry")
    e1 = event(journal, "2026-10-06T10:00:00+00:00")
    r2 = reflection(journal, "2026-10-07", "Private", marked=False)
    first = record_supervision(
        journal,
        Supervision(
            id=new_id(),
            occurred_on="2026-10-10",
            supervisor_role="peer lead",
            items=[r1, e1],
            notes="pacing",
            next_on="2026-10-24",
        ),
        ["Read the lone-working policy"],
        date(2026, 10, 17),
    )
    r3 = reflection(journal, "2026-10-12", "Second worry")
    e2 = event(journal, "2026-10-15T09:00:00+00:00")
    second = record_supervision(
        journal,
        Supervision(
            id=new_id(),
            occurred_on="2026-10-24",
            supervisor_role="line manager",
            format="group",
            items=[r3],
            next_on="2026-11-07",
        ),
        ["Ask about the group rota", "  ", "Book a debrief slot"],
        date(2026, 10, 31),
    )
    r4 = reflection(journal, "2026-10-26", "After both")
    return Cycle(r1, e1, r2, r3, e2, r4, first, second)


# --------------------------------------------------------------------------------------------
# Items for supervision


def test_not_yet_discussed_are_the_marked_records_no_supervision_named(
    journal: Journal, cycle: Cycle
) -> None:
    items = items_for_supervision(journal)
    assert [item.id for item in items] == [cycle.second_event, cycle.after_both]
    assert [item.kind for item in items] == ["confidentiality_event", "reflection"]
    assert all(item.discussed_on is None for item in items)
    assert items[1].when == "2026-10-26"
    assert items[1].summary == "After both: After both body"  # no "· for supervision"
    assert items[0].summary == "risk to self: what happened"  # the kind is said beside it


def test_discussed_ones_carry_the_date_of_the_supervision(journal: Journal, cycle: Cycle) -> None:
    items = items_for_supervision(journal, discussed=True)
    assert [(item.id, item.discussed_on) for item in items] == [
        (cycle.first_reflection, "2026-10-10"),
        (cycle.first_event, "2026-10-10"),
        (cycle.second_reflection, "2026-10-24"),
    ]


def test_all_of_them_oldest_first(journal: Journal, cycle: Cycle) -> None:
    assert [item.id for item in items_for_supervision(journal, discussed=None)] == [
        cycle.first_reflection,
        cycle.first_event,
        cycle.second_reflection,
        cycle.second_event,
        cycle.after_both,
    ]
    assert cycle.unmarked not in {i.id for i in items_for_supervision(journal, discussed=None)}


def test_brought_again_it_shows_the_latest_date(journal: Journal, cycle: Cycle) -> None:
    cycle.second.items = [cycle.second_reflection, cycle.first_reflection]
    journal.save(cycle.second)
    discussed = {i.id: i.discussed_on for i in items_for_supervision(journal, discussed=True)}
    assert discussed[cycle.first_reflection] == "2026-10-24"
    assert discussed[cycle.first_event] == "2026-10-10"


def test_an_item_taken_out_of_a_supervision_is_waiting_again(
    journal: Journal, cycle: Cycle
) -> None:
    cycle.second.items = []
    journal.save(cycle.second)
    assert cycle.second_reflection in {i.id for i in items_for_supervision(journal)}
    journal.delete(Supervision, cycle.first.id)
    assert len(items_for_supervision(journal)) == 5


def test_unmarking_takes_a_record_off_the_list(journal: Journal, cycle: Cycle) -> None:
    record = journal.get(Reflection, cycle.after_both)
    record.for_supervision = False
    journal.save(record)
    assert [item.id for item in items_for_supervision(journal)] == [cycle.second_event]


def test_the_kinds_that_can_be_marked_come_from_the_models() -> None:
    kinds = set(supervision.marked_kinds())
    assert {Reflection, ConfidentialityEvent} <= kinds
    assert not kinds & {Session, CheckIn, FollowUp, Alias, Supervision}


def test_brought_items_skip_deleted_records_and_keep_the_order(
    journal: Journal, cycle: Cycle
) -> None:
    cycle.first.items = [cycle.first_event, new_id(), cycle.first_reflection]
    journal.save(cycle.first)
    brought = brought_items(journal, cycle.first)
    assert [item.id for item in brought] == [cycle.first_event, cycle.first_reflection]
    assert {item.discussed_on for item in brought} == {"2026-10-10"}


# --------------------------------------------------------------------------------------------
# Recording, last and next


def test_last_and_next_supervision_and_the_digest_default(journal: Journal, cycle: Cycle) -> None:
    assert last_supervision(journal) == cycle.second
    assert next_supervision_on(journal) == date(2026, 11, 7)
    assert digest_default_since(journal) == date(2026, 10, 25)


def test_without_a_supervision_the_digest_covers_everything(journal: Journal) -> None:
    assert last_supervision(journal) is None
    assert next_supervision_on(journal) is None
    assert digest_default_since(journal) is None


def test_a_supervision_without_a_next_date(journal: Journal, cycle: Cycle) -> None:
    journal.save(Supervision(id=new_id(), occurred_on="2026-11-07"))
    assert next_supervision_on(journal) is None
    assert digest_default_since(journal) == date(2026, 11, 8)


def test_actions_become_follow_ups_owned_by_me(journal: Journal, cycle: Cycle) -> None:
    actions = agreed_actions(journal, cycle.second.id)
    assert [a.action for a in actions] == ["Ask about the group rota", "Book a debrief slot"]
    assert {(a.owner, a.status, a.due_on, a.supervision_id) for a in actions} == {
        ("me", "open", "2026-10-31", cycle.second.id)
    }
    assert [a.action for a in agreed_actions(journal, cycle.first.id)] == [
        "Read the lone-working policy"
    ]


def test_recording_is_all_or_nothing(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = journal.save

    def failing_save(record, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(record, FollowUp) and record.action == "second":
            raise InvalidRecord("follow up: no")
        return saved(record, **kwargs)

    monkeypatch.setattr(journal, "save", failing_save)
    with pytest.raises(InvalidRecord):
        record_supervision(
            journal,
            Supervision(id=new_id(), occurred_on="2026-11-01"),
            ["first", "second"],
            date(2026, 11, 8),
        )
    assert journal.counts()["supervision"] == 0
    assert journal.counts()["follow_up"] == 0


def test_deleting_a_supervision_keeps_its_actions_unlinked(journal: Journal, cycle: Cycle) -> None:
    deleted = journal.delete(Supervision, cycle.second.id)
    assert {f.supervision_id for f in journal.all_records(FollowUp)} == {cycle.first.id, None}
    journal.restore_deleted(deleted)
    assert len(agreed_actions(journal, cycle.second.id)) == 2


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("format", "one_to_one", "must be one of individual, group, peer"),
        ("items", ["not an id"], "must hold record ids"),
        ("next_on", "next week", "must be a date"),
        ("occurred_on", "", "is required"),
    ],
)
def test_a_supervision_is_validated(
    journal: Journal, field: str, value: object, problem: str
) -> None:
    record = Supervision(id=new_id(), occurred_on="2026-11-01")
    setattr(record, field, value)
    with pytest.raises(InvalidRecord, match=problem):
        journal.save(record)


def test_items_are_kept_once_and_the_role_is_one_clean_line(journal: Journal) -> None:
    item = new_id()
    saved = journal.save(
        Supervision(
            id=new_id(),
            occurred_on="2026-11-01",
            supervisor_role="peer\x1b]52;lead\nsupervisor",
            items=[item, item],
        )
    )
    stored = journal.get(Supervision, saved.id)
    assert stored.items == [item]
    assert "\x1b" not in stored.supervisor_role and "\n" not in stored.supervisor_role


def test_the_timeline_and_search_show_a_supervision(journal: Journal, cycle: Cycle) -> None:
    [second, first] = journal.timeline(kinds=["supervision"]).items
    assert (first.label, first.title) == (
        "Supervision",
        "individual, with peer lead · 2 items brought · next 2026-10-24",
    )
    assert first.preview == "pacing"
    assert (second.label, second.title) == (
        "Supervision",
        "group, with line manager · 1 item brought · next 2026-11-07",
    )
    assert [hit.id for hit in journal.search("pacing")] == [cycle.first.id]
    assert [hit.id for hit in journal.search("manager")] == [cycle.second.id]
    assert cycle.second.id in {hit.id for hit in journal.search("group")}
    cycle.first.notes = "rest and boundaries"
    journal.save(cycle.first)
    assert journal.search("pacing") == []
    assert [hit.id for hit in journal.search("boundaries")] == [cycle.first.id]


# --------------------------------------------------------------------------------------------
# The period summary (UTC, so the week and day boundaries are the stored times' own)


def session(journal: Journal, at: str, minutes: int | None, **fields: object) -> None:
    journal.save(Session(id=new_id(), occurred_at=at, duration_min=minutes, **fields))  # type: ignore[arg-type]


def checkin(journal: Journal, at: str, mood: int, stress: int) -> None:
    journal.save(CheckIn(id=new_id(), at=at, mood=mood, stress=stress))


@pytest.fixture
def period(journal: Journal, utc: None) -> Journal:
    """From Sunday 25 to Sunday 1 November 2026, counted by hand in the comments."""
    session(journal, "2026-10-24T23:59:00+00:00", 50)  # the day before: out
    session(journal, "2026-10-25T09:00:00+00:00", 60, safety_flag="concern", shared_my_story=True)
    session(journal, "2026-10-27T10:00:00+00:00", 45)
    session(journal, "2026-10-29T10:00:00+00:00", None)  # no duration: counts, 0 minutes
    session(journal, "2026-11-01T23:30:00+00:00", 30, safety_flag="limits_reached")
    session(journal, "2026-11-02T00:10:00+00:00", 90, shared_my_story=True)  # the day after
    journal.save(ConfidentialityEvent(id=new_id(), at="2026-10-26T12:00:00+00:00"))
    journal.save(ConfidentialityEvent(id=new_id(), at="2026-10-20T12:00:00+00:00"))  # out
    journal.save(Alias(id=new_id(), pseudonym="Ash", knows_me_outside_work=True))
    journal.save(Alias(id=new_id(), pseudonym="Bo", knows_me_outside_work=True, status="closed"))
    journal.save(Alias(id=new_id(), pseudonym="Cy"))
    checkin(journal, "2026-10-24T20:00:00+00:00", 1, 5)  # out
    checkin(journal, "2026-10-25T20:00:00+00:00", 2, 4)  # week of 19 Oct, cut to the 25th
    checkin(journal, "2026-10-26T20:00:00+00:00", 3, 3)
    checkin(journal, "2026-10-28T20:00:00+00:00", 4, 2)
    checkin(journal, "2026-11-01T20:00:00+00:00", 5, 2)
    return journal


def test_period_summary_figures_by_hand(period: Journal) -> None:
    summary = period_summary(period, date(2026, 10, 25), date(2026, 11, 1), wellbeing=False)
    assert summary == PeriodSummary(
        since=date(2026, 10, 25),
        until=date(2026, 11, 1),
        sessions=4,
        hours=2.25,  # 60 + 45 + 0 + 30 minutes
        flagged_sessions=2,
        confidentiality_events=1,
        dual_relationships_needing_plan=1,  # Ash; Bo is closed, Cy has none
        shared_my_story=1,
        weeks=None,  # not asked for: mood and stress are not even read
    )


def test_period_summary_with_wellbeing_has_weekly_means(period: Journal) -> None:
    summary = period_summary(period, date(2026, 10, 25), date(2026, 11, 1), wellbeing=True)
    assert summary.weeks == (
        WeekMeans(date(2026, 10, 19), 1, 2.0, 4.0),
        WeekMeans(date(2026, 10, 26), 3, 4.0, 2.33),  # (3+4+5)/3, (3+2+2)/3
    )
    assert summary_lines(summary)[-3:] == [
        "- Mood and stress, weekly means (1 to 5), by the week's Monday:",
        "  - 2026-10-19: mood 2, stress 4 (1 check-in)",
        "  - 2026-10-26: mood 4, stress 2.33 (3 check-ins)",
    ]


def test_period_summary_of_the_whole_journal(period: Journal) -> None:
    summary = period_summary(period, None, date(2026, 11, 30), wellbeing=True)
    assert (summary.sessions, summary.hours, summary.flagged_sessions) == (6, 4.58, 2)
    assert summary.confidentiality_events == 2 and summary.shared_my_story == 2
    assert summary.weeks is not None
    assert summary.weeks[0] == WeekMeans(date(2026, 10, 19), 2, 1.5, 4.5)
    assert summary.weeks[-1].week_start == date(2026, 11, 30) and summary.weeks[-1].checkins == 0


def test_summary_lines_without_wellbeing_say_nothing_about_it(period: Journal) -> None:
    lines = summary_lines(
        period_summary(period, date(2026, 10, 25), date(2026, 11, 1), wellbeing=False)
    )
    assert lines == [
        "- Sessions: 4 (2.25 hours)",
        "- Sessions flagged (a concern, or the limits of confidentiality reached): 2",
        "- Confidentiality events recorded: 1",
        "- Dual relationships that need an agreed plan: 1",
        "- Times I shared my story: 1",
    ]
    assert not any("mood" in line.lower() for line in lines)


def test_an_empty_period(journal: Journal) -> None:
    summary = period_summary(journal, None, date(2026, 11, 1), wellbeing=True)
    assert (summary.sessions, summary.hours, summary.weeks) == (0, 0.0, ())
    assert summary_lines(summary)[-1] == "- Mood and stress: no check-ins in this period"
    assert needing_plan_count(journal, date(2026, 11, 1)) == 0

"""The demo journal: fixed counts, deterministic, plausible, and free of identifiers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from peerjournal.core.demo import DEMO_DAYS, DEMO_PSEUDONYMS, fill_demo_journal
from peerjournal.core.errors import UsageError
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    REFLECTION_TEMPLATES,
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Record,
    Reflection,
    Session,
    Supervision,
)
from peerjournal.core.privacy import find_identifiers
from tests.conftest import PASSPHRASE, TEST_PARAMS, TEST_POLICY

TODAY = date(2026, 11, 27)
EXPECTED_COUNTS = {
    "alias": 6,
    "session": 44,
    "reflection": 10,
    "follow_up": 16,
    "checkin": 38,
    "confidentiality_event": 2,
    "supervision": 1,
}
KINDS: tuple[type[Record], ...] = (
    Alias,
    Session,
    Reflection,
    FollowUp,
    CheckIn,
    ConfidentialityEvent,
    Supervision,
)


@pytest.fixture
def demo(journal: Journal) -> Journal:
    fill_demo_journal(journal, today=TODAY)
    return journal


def _snapshot(journal: Journal) -> dict[str, list[dict[str, object]]]:
    return {cls.KIND: [r.to_dict() for r in journal.all_records(cls)] for cls in KINDS}


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def test_counts_are_fixed(journal: Journal) -> None:
    assert fill_demo_journal(journal, today=TODAY) == EXPECTED_COUNTS


def test_same_seed_and_day_give_the_same_journal(demo: Journal, tmp_path: Path) -> None:
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        fill_demo_journal(other, today=TODAY)
        assert _snapshot(other) == _snapshot(demo)


def test_another_seed_changes_details_not_counts(demo: Journal, tmp_path: Path) -> None:
    with Journal.create(tmp_path / "other", PASSPHRASE, policy=TEST_POLICY) as other:
        assert fill_demo_journal(other, seed=8, today=TODAY) == EXPECTED_COUNTS
        assert _snapshot(other) != _snapshot(demo)


def test_refuses_a_journal_that_already_has_records(demo: Journal) -> None:
    with pytest.raises(UsageError):
        fill_demo_journal(demo, today=TODAY)


def test_passes_the_journal_check(demo: Journal) -> None:
    report = demo.check(TEST_PARAMS)
    assert report.problems == []
    assert report.ok


def test_everything_dated_is_within_three_months(demo: Journal) -> None:
    earliest = TODAY - timedelta(days=DEMO_DAYS)
    for session in demo.all_records(Session):
        assert earliest <= _day(session.occurred_at) <= TODAY
    for reflection in demo.all_records(Reflection):
        assert earliest <= _day(reflection.occurred_on) <= TODAY
    for checkin in demo.all_records(CheckIn):
        assert earliest <= _day(checkin.at) <= TODAY
    for alias in demo.list_aliases():
        assert earliest <= _day(alias.created_at) <= TODAY
    for follow_up in demo.all_records(FollowUp):
        assert earliest <= _day(follow_up.due_on) <= TODAY + timedelta(days=DEMO_DAYS)
        if follow_up.done_at:
            assert _day(follow_up.done_at) <= TODAY
    # Times carry their offset (they are parsed strictly when saved).
    assert datetime.fromisoformat(demo.all_records(Session)[0].occurred_at).tzinfo


def test_aliases_are_the_fictional_ones_with_one_closed(demo: Journal) -> None:
    aliases = demo.list_aliases()
    assert {a.pseudonym for a in aliases} == set(DEMO_PSEUDONYMS)
    assert [a.pseudonym for a in aliases if a.status == "closed"] == ["Marlow"]
    assert any(a.knows_me_outside_work for a in aliases)
    assert all(a.limits_explained_on for a in aliases)


def test_sessions_cover_groups_and_both_safety_flags(demo: Journal) -> None:
    sessions = list(demo.all_records(Session))
    groups = [s for s in sessions if s.modality == "group"]
    assert groups and all(s.alias_id is None for s in groups)
    assert sum(s.safety_flag == "concern" for s in sessions) == 1
    (limits,) = [s for s in sessions if s.safety_flag == "limits_reached"]
    (concern,) = [s for s in sessions if s.safety_flag == "concern"]
    events = {e.occasion: e for e in demo.all_records(ConfidentialityEvent)}
    assert sorted(events) == ["concern", "limits_reached"]
    event = events["limits_reached"]
    assert event.session_id == limits.id and event.alias_id == limits.alias_id
    assert event.person_involvement == "told_before" and event.limits_explained_before
    assert event.official_record == "yes" and event.disclosed_to and event.notes
    consultation = events["concern"]
    assert consultation.session_id == concern.id and consultation.outcome
    assert all(s.strengths and s.next_steps for s in sessions)
    assert len({s.goal_focus for s in sessions}) == len(sessions)  # nobody repeats a visit


def test_reflections_use_every_template_with_headings_filled(demo: Journal) -> None:
    reflections = list(demo.all_records(Reflection))
    assert {r.template for r in reflections} == set(REFLECTION_TEMPLATES)
    assert any(r.for_supervision for r in reflections)
    assert any(not r.for_supervision for r in reflections)
    for reflection in reflections:
        _, headings = REFLECTION_TEMPLATES[reflection.template]
        for heading in headings:
            section = reflection.body.split(f"## {heading}\n", 1)
            assert len(section) == 2, (reflection.title, heading)
            assert section[1].split("\n## ", 1)[0].strip(), (reflection.title, heading)
    story = [r for r in reflections if r.template == "self_disclosure" and r.session_id]
    assert story and demo.get(Session, story[0].session_id).shared_my_story  # type: ignore[arg-type]


def test_follow_ups_are_overdue_due_this_week_later_and_done(demo: Journal) -> None:
    follow_ups = list(demo.all_records(FollowUp))
    open_ = [f for f in follow_ups if f.status == "open"]
    assert any(_day(f.due_on) < TODAY for f in open_)
    assert any(TODAY <= _day(f.due_on) < TODAY + timedelta(days=7) for f in open_)
    assert any(_day(f.due_on) >= TODAY + timedelta(days=7) for f in open_)
    assert any(f.status == "done" and f.done_at for f in follow_ups)
    assert any(f.status == "dropped" for f in follow_ups)
    assert all(f.alias_id for f in follow_ups if not f.supervision_id)


def test_checkins_are_in_range(demo: Journal) -> None:
    checkins = list(demo.all_records(CheckIn))
    assert len(checkins) == 38
    for checkin in checkins:
        assert all(1 <= v <= 5 for v in (checkin.mood, checkin.energy, checkin.stress))
    # On two of the hardest evenings nothing was done for self-care; on every other, something.
    assert sum(1 for checkin in checkins if not checkin.self_care) == 2


def test_checkins_and_sessions_tell_the_wellbeing_story(demo: Journal) -> None:
    """Steady weeks, a busier stretch with stress rising, supervision, then recovery."""
    from peerjournal.core.wellbeing import wellbeing_summary

    weeks = wellbeing_summary(demo, weeks=12, today=TODAY).weeks
    steady, busy, recovered = weeks[:4], weeks[5:8], weeks[-3:]

    def mean(values: list[float | None]) -> float:
        present = [v for v in values if v is not None]
        return sum(present) / len(present)

    assert mean([w.stress for w in busy]) >= mean([w.stress for w in steady]) + 1.5
    assert mean([w.stress for w in recovered]) <= mean([w.stress for w in steady]) + 0.5
    assert mean([w.mood for w in recovered]) > mean([w.mood for w in busy]) + 1
    assert sum(w.sessions for w in busy) > sum(w.sessions for w in steady)
    assert all(week.checkins for week in weeks[:-1])
    # The strain notice would have shown at the end of the busy stretch, and does not now.
    assert wellbeing_summary(demo, weeks=4, today=TODAY - timedelta(days=30)).strain is not None
    assert wellbeing_summary(demo, weeks=4, today=TODAY).strain is None


def test_session_notes_hold_no_identifiers(demo: Journal) -> None:
    for session in demo.all_records(Session):
        for name in Session.TEXT_FIELDS:
            text = getattr(session, name)
            hints = find_identifiers(text, DEMO_PSEUDONYMS, current_year=TODAY.year)
            assert hints == [], (name, [(h.kind, h.text) for h in hints])


def test_other_demo_text_holds_no_identifiers(demo: Journal) -> None:
    texts: list[str] = []
    for alias in demo.list_aliases():
        texts += [alias.notes, alias.consent_note]
    for reflection in demo.all_records(Reflection):
        texts += [reflection.title, reflection.body]  # template headings included
    texts += [f.action for f in demo.all_records(FollowUp)]
    texts += [c.self_care for c in demo.all_records(CheckIn)]
    for event in demo.all_records(ConfidentialityEvent):
        texts += [event.consulted_role, event.disclosed_minimum, event.notes]
    for supervision in demo.all_records(Supervision):
        texts += [supervision.supervisor_role, supervision.notes]
    for text in texts:
        hints = find_identifiers(text, DEMO_PSEUDONYMS, current_year=TODAY.year)
        assert hints == [], [(h.kind, h.text) for h in hints]


def test_demo_is_searchable(demo: Journal) -> None:
    hits = demo.search("recovery cafe")
    assert hits
    assert any(matched for hit in hits for _, matched in hit.snippet)


def test_the_demo_holds_a_plausible_supervision_cycle(demo: Journal) -> None:
    from peerjournal.core.supervision import (
        agreed_actions,
        brought_items,
        items_for_supervision,
        last_supervision,
        next_supervision_on,
    )

    supervision = last_supervision(demo)
    assert supervision is not None and supervision.notes and supervision.supervisor_role
    held = _day(supervision.occurred_on)
    assert TODAY - timedelta(days=35) < held < TODAY - timedelta(days=7)
    # Two items brought, each from an earlier week.
    brought = brought_items(demo, supervision)
    assert len(brought) == 2 and {item.kind for item in brought} == {"reflection"}
    assert all(_day(item.when) <= held - timedelta(days=7) for item in brought)
    assert all(item.discussed_on == supervision.occurred_on for item in brought)
    # Two actions owned by me; the next one within the coming week.
    actions = agreed_actions(demo, supervision.id)
    assert len(actions) == 2 and {a.owner for a in actions} == {"me"}
    assert {a.status for a in actions} == {"open", "done"}
    next_on = next_supervision_on(demo)
    assert next_on is not None and TODAY < next_on <= TODAY + timedelta(days=7)
    # Waiting for the next one: at least one reflection, marked and not yet discussed.
    waiting = items_for_supervision(demo)
    assert any(item.kind == "reflection" for item in waiting)
    assert all(item.discussed_on is None for item in waiting)

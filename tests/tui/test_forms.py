"""The record forms, driven the way a person uses them: session (with a new or existing alias,
a follow-up, a confidentiality event), reflection, check-in; editing, leaving, nudges, a full
disk, hostile text and drafts."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Select, Static, TextArea

from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    BY_KIND,
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    new_id,
    now_iso,
    template_body,
)
from peerjournal.tui.screens.checkin_form import CheckInForm, ScaleInput
from peerjournal.tui.screens.confidentiality_form import ConfidentialityEventForm
from peerjournal.tui.screens.dialogs import ConfirmScreen, NudgeScreen
from peerjournal.tui.screens.form_fields import (
    CHOICE_LABELS,
    moment_from_fields,
    now_fields,
    parse_clock,
    parse_day,
    parse_duration,
    parse_tags,
)
from peerjournal.tui.screens.forms import FORMS
from peerjournal.tui.screens.reflection_form import ReflectionForm
from peerjournal.tui.screens.session_form import SessionForm
from peerjournal.tui.widgets.timeline_view import TimelineView
from tests.conftest import PASSPHRASE
from tests.tui.conftest import make_app, unlock
from tests.tui.form_helpers import (
    HOSTILE,
    HOSTILE_STORED,
    choose_checkin_scales,
    form_app,
    get_field,
    save_form,
    set_field,
    shown_text,
    text_fields,
)
from tests.tui.pilot import settle, wait_for_notice, wait_for_screen, wait_until

SIZE = (100, 32)


def all_of(journal: Journal, cls: type[Any]) -> list[Any]:
    return list(journal.all_records(cls))


async def opened(pilot: Any) -> Any:
    await settle(pilot.app, pilot)
    return pilot.app.screen


# ---------------------------------------------------------------------------------------------
# Parsing and labels


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("45", 45),
        ("1h", 60),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1H30MIN", 90),
        ("90m", 90),
        ("90 min", 90),
        ("1:30", 90),
        ("1.5h", 90),
        ("2 hours", 120),
        (" 15 ", 15),
        ("", None),
        ("0", 0),
    ],
)
def test_duration_quick_entry(typed: str, minutes: int | None) -> None:
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["abc", "1h30x", "-5", "25h", "1:75", "h"])
def test_duration_refuses_what_it_cannot_read(typed: str) -> None:
    with pytest.raises(ValueError, match="Duration"):
        parse_duration(typed)


def test_dates_times_and_tags_as_typed() -> None:
    assert parse_clock("9:05", "Time") == time(9, 5)
    assert parse_clock("1430", "Time") == time(14, 30)
    for bad in ("24:00", "12:60", "noon", ""):
        with pytest.raises(ValueError, match="Time: type a time like 14:30"):
            parse_clock(bad, "Time")
    with pytest.raises(ValueError, match="Date: type a date like 2026-11-20"):
        parse_day("2026-02-30", "Date")
    assert parse_tags(" housing, #Benefits,, ") == ["housing", "#Benefits"]


def test_an_untouched_time_keeps_its_offset_and_a_new_one_takes_the_local_one() -> None:
    original = "2026-11-20T14:00:00+05:30"
    assert moment_from_fields("2026-11-20", "14:00", original) == original
    changed = moment_from_fields("2026-11-20", "15:00", original)
    expected = datetime(2026, 11, 20, 15, 0).astimezone().isoformat(timespec="seconds")
    assert changed == expected


def test_every_enumeration_has_labels() -> None:
    for cls in BY_KIND.values():
        for name, values in cls.CHOICES.items():
            assert set(values) <= set(CHOICE_LABELS[name]), (cls.KIND, name)


def test_every_kind_with_a_form_is_registered() -> None:
    assert set(FORMS) == {
        "session",
        "reflection",
        "checkin",
        "confidentiality_event",
        "alias",
        "follow_up",
        "debrief",
        "boundary_event",
        "supervision",
    }
    for kind, form in FORMS.items():
        assert kind == form.DRAFT_KIND
    assert [form.SCREEN_ID for form in FORMS.values()] == [  # type: ignore[attr-defined]
        "session-form",
        "reflection-form",
        "checkin-form",
        "confidentiality-form",
        "alias-form",
        "follow-up-form",
        "debrief-form",
        "boundary-form",
        "supervision-form",
    ]


# ---------------------------------------------------------------------------------------------
# Sessions


async def test_new_session_with_a_new_alias(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert form.id == "session-form"
        assert app.focused is form.query_one("#goal_focus")  # typing starts at once
        await pilot.press(*"Finding a flat")
        form.query_one("#alias", Input).focus()
        await pilot.press(*"River")
        await pilot.pause()
        assert "New alias" in str(form.query_one("#alias_status", Static).visual)
        set_field(form, "duration", "1h30")
        set_field(form, "method", "phone")
        set_field(form, "shared_my_story", False)
        set_field(form, "tags", "housing, #Benefits")
        await save_form(pilot)

    aliases = journal.list_aliases()
    assert [a.pseudonym for a in aliases] == ["River"]
    (session,) = all_of(journal, Session)
    assert app.results == [session]
    assert session.alias_id == aliases[0].id
    assert session.goal_focus == "Finding a flat"
    assert session.duration_min == 90
    assert session.method == "phone"
    assert session.tags == ["housing", "benefits"]
    assert datetime.fromisoformat(session.occurred_at).utcoffset() is not None
    assert journal.drafts() == []


async def test_session_with_an_existing_alias(journal: Journal) -> None:
    sky = journal.save(Alias(id=new_id(), pseudonym="Sky"))
    app = form_app(journal, "session", known_aliases=["Sky"])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        form.query_one("#alias", Input).focus()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("right")  # accept the suggestion
        await pilot.pause()
        assert get_field(form, "alias") == "Sky"
        assert "Existing alias" in str(form.query_one("#alias_status", Static).visual)
        set_field(form, "notes", "Sky talked about work.")
        await save_form(pilot, through_nudge=False)

    (session,) = all_of(journal, Session)
    assert session.alias_id == sky.id
    assert len(journal.list_aliases()) == 1


async def test_group_session_without_alias(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "modality", "group")
        set_field(form, "notes", "Group check-in, six people.")
        await save_form(pilot, through_nudge=False)
    (session,) = all_of(journal, Session)
    assert session.alias_id is None and session.modality == "group"
    assert journal.list_aliases() == []


async def test_duration_suggests_and_alt_digits_are_not_keys(journal: Journal) -> None:
    # alt+digit arrives as ESC+digit or as "¡", "™", "£" depending on the terminal, so the
    # duration field offers suggestions instead (right arrow accepts) and binds no alt key.
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        form.query_one("#duration").focus()
        await pilot.press("4")
        await settle(pilot.app, pilot)
        await pilot.press("right")
        assert get_field(form, "duration") == "45"
        await pilot.press("backspace", "backspace", "1", "h", "3")
        await settle(pilot.app, pilot)
        await pilot.press("right")
        assert get_field(form, "duration") == "1h30"
        assert not any(key.startswith("alt+") for key in form._bindings.key_to_bindings)
        assert not form.query(".pj-quick")
        # What alt+1..alt+4 arrive as in many terminals (tmux sends ESC+4 and Textual reads
        # "¢") is not written into the field.
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        field = form.query_one("#duration")
        for junk in "¡™£¢":  # as the terminal driver hands them over (Pilot would drop them)
            field.post_message(events.Key(junk, junk))
        await pilot.press("4")
        await settle(pilot.app, pilot)
        assert get_field(form, "duration") == "4"


async def test_bad_date_or_duration_keeps_the_form_and_says_why(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "goal_focus", "a job interview")  # something to save
        set_field(form, "duration", "soon")
        await pilot.press("ctrl+s")
        await settle(pilot.app, pilot)
        assert app.screen is form
        await wait_for_notice(pilot, "Duration")
        set_field(form, "duration", "30")
        set_field(form, "when_date", "2026-13-40")
        await pilot.press("ctrl+s")
        await settle(pilot.app, pilot)
        assert app.screen is form
        await wait_for_notice(pilot, "Date:")
    assert all_of(journal, Session) == []


async def test_follow_up_added_from_the_session_form(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert get_field(form, "follow_up_due") == (date.today() + timedelta(days=7)).isoformat()
        set_field(form, "alias", "River")
        set_field(form, "goal_focus", "Benefits form")
        set_field(form, "follow_up_action", "Bring the housing leaflet")
        set_field(form, "follow_up_owner", "them")
        await save_form(pilot)

    (session,) = all_of(journal, Session)
    (follow_up,) = all_of(journal, FollowUp)
    assert follow_up.session_id == session.id
    assert follow_up.alias_id == session.alias_id is not None
    assert follow_up.action == "Bring the housing leaflet"
    assert follow_up.owner == "them" and follow_up.status == "open"
    assert follow_up.due_on == (date.today() + timedelta(days=7)).isoformat()


async def test_no_follow_up_when_its_action_is_empty(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "notes", "Short call.")
        await save_form(pilot)
    assert all_of(journal, FollowUp) == []


async def not_now_to_the_debrief(pilot: Any, previous: object) -> None:
    """Answer "Not now" to the debrief, asked after the other offers of a flagged session."""
    from peerjournal.tui.screens.debrief_form import DEBRIEF_OFFER

    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, ConfirmScreen) and pilot.app.screen is not previous,
        "the debrief offer",
    )
    assert DEBRIEF_OFFER in shown_text(pilot.app.screen)
    await pilot.press("n")


async def test_limits_reached_offers_a_confidentiality_event(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "alias", "River")
        set_field(form, "safety_flag", "limits_reached")
        set_field(form, "notes", "Risk to self disclosed; safety plan made.")
        await save_form(pilot)
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await not_now_to_the_debrief(pilot, dialog)
        event_form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        assert app.focused is event_form.query_one("#notes")
        assert "River" in str(event_form.query_one("#linked_session", Static).visual)
        set_field(event_form, "category", "risk_to_self")
        set_field(event_form, "notes", "They told me of a plan for tonight.")
        set_field(event_form, "consulted_role", "my supervisor")
        set_field(event_form, "disclosed_minimum", "That there was a risk; nothing else.")
        set_field(event_form, "limits_explained_before", True)
        set_field(event_form, "person_involvement", "told_before")
        await save_form(pilot)

    (session,) = all_of(journal, Session)
    (event,) = all_of(journal, ConfidentialityEvent)
    assert event.session_id == session.id and event.alias_id == session.alias_id
    assert event.category == "risk_to_self"
    assert event.consulted_role == "my supervisor"
    assert event.disclosed_minimum == "That there was a risk; nothing else."
    assert event.limits_explained_before and event.person_involvement == "told_before"


async def test_confidentiality_event_offer_can_wait(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "safety_flag", "limits_reached")
        await save_form(pilot)
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await not_now_to_the_debrief(pilot, dialog)
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, "the offer to close")
    assert len(all_of(journal, Session)) == 1
    assert all_of(journal, ConfidentialityEvent) == []


async def test_sharing_my_story_offers_a_self_disclosure_reflection(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "shared_my_story", True)
        await save_form(pilot)
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        reflection_form = await wait_for_screen(pilot, ReflectionForm)
        await settle(pilot.app, pilot)
        assert get_field(reflection_form, "template") == "self_disclosure"
        assert "## What I shared" in get_field(reflection_form, "body")
        (session,) = all_of(journal, Session)
        assert get_field(reflection_form, "session_id") == session.id
        set_field(reflection_form, "title", "Why I shared")  # an empty one is not saved
        await save_form(pilot)
    (reflection,) = all_of(journal, Reflection)
    assert reflection.session_id == session.id


# ---------------------------------------------------------------------------------------------
# Reflections and check-ins


async def test_reflection_from_the_gibbs_template(journal: Journal) -> None:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    session = journal.save(
        Session(
            id=new_id(),
            occurred_at="2026-11-20T14:00:00+01:00",
            alias_id=river.id,
            goal_focus="Moving house",
        )
    )
    app = form_app(journal, "reflection", known_aliases=["River"])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert app.focused is form.query_one("#title")
        await pilot.press(*"After the move")
        set_field(form, "template", "gibbs")
        await pilot.pause()
        body = get_field(form, "body")
        for heading in (
            "Description",
            "Feelings",
            "Evaluation",
            "Analysis",
            "Conclusion",
            "Action plan",
        ):
            assert f"## {heading}" in body
        sessions = form.query_one("#session_id", Select)
        labels = [str(prompt) for prompt, value in sessions._options if value == session.id]
        assert labels and "River" in labels[0] and "2026-11-20 14:00" in labels[0]
        set_field(form, "session_id", session.id)
        set_field(form, "for_supervision", True)
        set_field(form, "tags", "moving")
        form.query_one("#body", TextArea).insert("It went well.", (1, 0))
        await save_form(pilot)

    (reflection,) = all_of(journal, Reflection)
    assert reflection.template == "gibbs" and reflection.title == "After the move"
    assert reflection.body.startswith("## Description\nIt went well.")
    assert reflection.session_id == session.id
    assert reflection.for_supervision and reflection.tags == ["moving"]
    assert reflection.occurred_on == date.today().isoformat()


async def test_switching_template_never_loses_written_words(journal: Journal) -> None:
    app = form_app(journal, "reflection")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "template", "gibbs")
        await pilot.pause()
        set_field(form, "template", "supervision")  # untouched headings follow the template
        await pilot.pause()
        assert get_field(form, "body") == template_body("supervision")
        set_field(form, "body", "My own words")
        set_field(form, "template", "gibbs")
        await pilot.pause()
        assert get_field(form, "body") == "My own words"


async def test_checkin_in_a_few_keystrokes(journal: Journal) -> None:
    app = form_app(journal, "checkin")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert app.focused is form.query_one("#mood", ScaleInput)
        await pilot.press("4", "2", "5", *"a walk", "enter")
        await wait_until(pilot, lambda: bool(app.results), "the check-in to save")
    (checkin,) = all_of(journal, CheckIn)
    assert (checkin.mood, checkin.energy, checkin.stress) == (4, 2, 5)
    assert checkin.self_care == "a walk"


async def test_checkin_typed_in_one_burst_keeps_every_key(journal: Journal) -> None:
    """A terminal delivers fast typing in one read, before the focus has moved on."""
    app = form_app(journal, "checkin")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        burst = [
            ("4", "4"),
            ("2", "2"),
            ("5", "5"),
            ("t", "t"),
            ("space", " "),
            ("1", "1"),
            ("enter", "\r"),
        ]
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await wait_until(pilot, lambda: bool(app.results), "the check-in to save")
    (checkin,) = all_of(journal, CheckIn)
    assert (checkin.mood, checkin.energy, checkin.stress, checkin.self_care) == (4, 2, 5, "t 1")


async def test_checkin_scale_keys_and_clicks(journal: Journal) -> None:
    app = form_app(journal, "checkin")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        mood = form.query_one("#mood", ScaleInput)
        await pilot.press("right", "right", "right")
        assert mood.value == 5  # clamped
        await pilot.press("left")
        assert mood.value == 4
        stress = form.query_one("#stress", ScaleInput)
        await pilot.click(stress, offset=(1 + 9 + 4 * 1 + 1, 0))  # the "2"
        assert stress.value == 2


# ---------------------------------------------------------------------------------------------
# Editing


async def test_edit_a_session_in_place(journal: Journal) -> None:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    original = journal.save(
        Session(
            id=new_id(),
            occurred_at="2026-11-20T14:00:00+05:30",
            alias_id=river.id,
            duration_min=45,
            method="video",
            goal_focus="Work",
            notes="First notes",
            tags=["work"],
            reviewed_with_person=True,
        )
    )
    app = form_app(journal, "session", record=original, known_aliases=["River"])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert "Edit session" in str(form.query_one(".form-title", Static).visual)
        assert get_field(form, "alias") == "River"
        assert get_field(form, "when_date") == "2026-11-20"
        assert get_field(form, "when_time") == "14:00"
        assert get_field(form, "duration") == "45"
        assert get_field(form, "method") == "video"
        assert get_field(form, "goal_focus") == "Work"
        assert get_field(form, "tags") == "work"
        assert get_field(form, "reviewed_with_person") is True
        assert not form.is_dirty
        set_field(form, "notes", "Better notes")
        await save_form(pilot)

    (session,) = all_of(journal, Session)
    assert session.id == original.id
    assert session.notes == "Better notes"
    assert session.occurred_at == "2026-11-20T14:00:00+05:30"  # untouched time keeps its offset
    assert session.created_at == original.created_at
    assert session.alias_id == river.id


async def test_edit_a_reflection_and_a_checkin_in_place(journal: Journal) -> None:
    reflection = journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-11-01",
            template="gibbs",
            title="Old",
            body="## Feelings\nok",
        )
    )
    checkin = journal.save(
        CheckIn(id=new_id(), at=now_iso(), mood=2, energy=3, stress=4, self_care="tea")
    )
    app = form_app(journal, "reflection", record=reflection)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert get_field(form, "body") == "## Feelings\nok"  # not replaced by the template
        assert get_field(form, "template") == "gibbs"
        assert not form.is_dirty
        set_field(form, "title", "New")
        await save_form(pilot)
    assert journal.get(Reflection, reflection.id).title == "New"

    app = form_app(journal, "checkin", record=checkin)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert [get_field(form, n) for n in ("mood", "energy", "stress")] == [2, 3, 4]
        await pilot.press("5")
        await save_form(pilot)
    saved = journal.get(CheckIn, checkin.id)
    assert saved.mood == 5 and saved.at == checkin.at and len(all_of(journal, CheckIn)) == 1


# ---------------------------------------------------------------------------------------------
# Leaving, nudges, full disk


async def test_escape_with_unsaved_changes_asks_and_keep_editing_keeps_the_text(
    journal: Journal,
) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        await pilot.press(*"half a thought")
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.click("#no")  # "Keep editing"
        await wait_until(pilot, lambda: app.screen is form, "the form to come back")
        assert get_field(form, "goal_focus") == "half a thought"
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.click("#yes")  # "Discard"
        await wait_until(pilot, lambda: app.results == [None], "the form to close")
    assert all_of(journal, Session) == []


async def test_escape_without_changes_leaves_at_once(journal: Journal) -> None:
    app = form_app(journal, "reflection")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.results == [None], "the form to close")


async def test_identifier_nudge_edit_returns_to_the_form_unsaved(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "notes", "Her email is jo.bloggs@example.org")
        await pilot.press("ctrl+s")
        nudge = await wait_for_screen(pilot, NudgeScreen)
        assert "Notes" in str(nudge.query_one(".dialog-list", Static).visual)
        await pilot.press("escape")  # "Edit"
        await wait_until(pilot, lambda: app.screen is form, "the form to come back")
        await settle(pilot.app, pilot)
        assert all_of(journal, Session) == []
        assert get_field(form, "notes") == "Her email is jo.bloggs@example.org"

        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, NudgeScreen)
        await pilot.click("#save")  # "Save anyway"
        await wait_until(pilot, lambda: bool(app.results), "the form to save")
    (session,) = all_of(journal, Session)
    assert session.notes == "Her email is jo.bloggs@example.org"


# What a form needs before it gets as far as the identifier check.
REQUIRED_TO_SAVE: dict[str, dict[str, str]] = {
    "confidentiality_event": {"category": "other", "notes": "what happened"},
    "boundary_event": {"what": "gift"},
}


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("session", "their_words"),
        ("session", "follow_up_action"),
        ("session", "tags"),
        ("reflection", "title"),
        ("reflection", "body"),
        ("checkin", "self_care"),
        ("confidentiality_event", "consulted_role"),
        ("confidentiality_event", "disclosed_to"),
        ("confidentiality_event", "notes"),
        ("confidentiality_event", "reason"),
        ("confidentiality_event", "outcome"),
        ("confidentiality_event", "how_it_landed"),
        ("alias", "consent_note"),
        ("alias", "notes"),
        ("alias", "limits_explained_note"),
        ("alias", "dual_plan"),
        ("boundary_event", "response"),
        ("boundary_event", "how_it_sat"),
    ],
)
async def test_every_free_text_field_is_checked_for_identifiers(
    journal: Journal, kind: str, name: str
) -> None:
    app = form_app(journal, kind)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        for required, value in REQUIRED_TO_SAVE.get(kind, {}).items():
            set_field(form, required, value)
        set_field(form, name, "call 07700 900123")
        choose_checkin_scales(form)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, NudgeScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form, "the form to come back")


async def test_every_text_field_is_in_nudge_texts(journal: Journal) -> None:
    for kind in FORMS:
        app = form_app(journal, kind)
        async with app.run_test(size=SIZE) as pilot:
            form = await opened(pilot)
            names = text_fields(form)
            assert names
            for name in names:
                set_field(form, name, f"marker-{name}")
            scanned = " ".join(text for _, text in form.nudge_texts())
            for name in names:
                assert f"marker-{name}" in scanned, (kind, name)


async def test_full_disk_keeps_the_form_open_with_its_text(journal: Journal) -> None:
    connection = journal.vault.connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    big_note = "A long note. " * 40_000
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "alias", "River")
        set_field(form, "notes", big_note)
        set_field(form, "follow_up_action", "Call back")
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "disk is full")
        await settle(pilot.app, pilot)
        assert app.screen is form and app.results == []
        assert get_field(form, "notes") == big_note
        # Nothing half-saved: not the new alias, not the follow-up.
        assert journal.list_aliases() == [] and all_of(journal, FollowUp) == []

        connection.execute("PRAGMA max_page_count = 1073741823")
        await save_form(pilot)
    (session,) = all_of(journal, Session)
    assert session.notes == big_note
    assert len(all_of(journal, FollowUp)) == 1


# ---------------------------------------------------------------------------------------------
# Hostile text and drafts


def fill_every_text_field(form: Any, text: str) -> list[str]:
    names = text_fields(form)
    for name in names:
        set_field(form, name, text)
    return names


@pytest.mark.parametrize(
    "kind", ["session", "reflection", "checkin", "confidentiality_event", "alias"]
)
async def test_markup_and_escape_sequences_are_kept_as_words(journal: Journal, kind: str) -> None:
    app = form_app(journal, kind, known_aliases=["[bold]Sky[/]", "[@click=app.quit]"])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        names = fill_every_text_field(form, HOSTILE)
        for required, value in REQUIRED_TO_SAVE.get(kind, {}).items():
            if required not in names:
                set_field(form, required, value)
        choose_checkin_scales(form)
        await pilot.pause()
        for name in names:
            form.query_one(f"#{name}").focus()
            await pilot.pause()  # rendered (and focused) without a MarkupError
        await save_form(pilot)
        assert app.is_running

    (record,) = all_of(journal, BY_KIND[kind])
    for name in names:
        if name == "alias":
            (alias,) = journal.list_aliases()
            assert alias.pseudonym == HOSTILE_STORED
        elif name.startswith("follow_up"):
            (follow_up,) = all_of(journal, FollowUp)
            assert follow_up.action == HOSTILE_STORED
        elif name in ("tags", "themes", "also_known_as"):
            assert all("\x1b" not in tag for tag in getattr(record, name))
        else:
            assert getattr(record, name) == HOSTILE_STORED, name


async def test_alias_and_session_options_with_markup_render_literally(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="[@click=app.quit]Q[/]"))
    session = journal.save(
        Session(
            id=new_id(), occurred_at=now_iso(), alias_id=alias.id, goal_focus="[bold]x[/bold] ["
        )
    )
    app = form_app(journal, "reflection", known_aliases=[alias.pseudonym])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "session_id", session.id)
        await pilot.pause()
        shown = str(form.query_one("#session_id Static#label", Static).visual)
        assert "[@click=app.quit]Q[/]" in shown and "[bold]x[/bold] [" in shown
        form.query_one("#session_id").focus()
        await pilot.press("enter")  # open the option list: options render too
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running

    app = form_app(journal, "session", known_aliases=[alias.pseudonym])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        form.query_one("#alias", Input).focus()
        await pilot.press("left_square_bracket")  # the suggestion shows the alias as words
        await pilot.pause()
        assert form.query_one("#alias", Input)._suggestion == alias.pseudonym
        assert app.is_running


DRAFT_VALUES: dict[str, dict[str, Any]] = {
    "session": {
        "duration": "1h30",
        "modality": "group",
        "method": "video",
        "setting": "remote",
        "safety_flag": "concern",
        "shared_my_story": True,
        "reviewed_with_person": True,
        "when_date": "2026-01-02",
        "when_time": "09:05",
        "follow_up_owner": "both",
        "follow_up_due": "2026-02-03",
    },
    "reflection": {"template": "supervision", "for_supervision": True, "occurred_on": "2026-01-02"},
    "checkin": {"mood": 1, "energy": 5, "stress": 4},
    "alias": {
        "knows_me_outside_work": True,
        "limits_explained_on": "2026-01-02",
        "dual_neighbour": True,
        "dual_discussed_on": "2026-01-03",
        "dual_review_on": "2026-07-03",
    },
    "boundary_event": {"what": "money", "for_supervision": True, "occurred_date": "2026-01-02"},
    "follow_up": {"owner": "both", "due_date": "2026-02-03"},
    "debrief": {"activation": 0, "talk_by_date": "2026-01-03", "at_date": "2026-01-02"},
    "confidentiality_event": {
        "category": "abuse",
        "limits_explained_before": True,
        "person_involvement": "not_told",
        "official_record": "not_applicable",
        "for_supervision": True,
        "at_date": "2026-01-02",
        "at_time": "23:59",
    },
    "supervision": {
        "format": "peer",
        "occurred_on": "2026-01-02",
        "actions_due": "2026-02-03",
        "next_date": "2026-03-04",
    },
}


@pytest.mark.parametrize("kind", list(FORMS))
async def test_draft_round_trip_brings_every_field_back(journal: Journal, kind: str) -> None:
    old_session = journal.save(Session(id=new_id(), occurred_at="2020-01-01T10:00:00+00:00"))
    for i in range(35):  # the old session is not among the recent ones the form lists
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=f"recent {i}"))
    extra: dict[str, Any] = {}
    if kind in ("confidentiality_event", "reflection"):
        extra = {"session_id": old_session.id}  # pre-linked, as when offered after a session
    app = form_app(journal, kind, **extra)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        for index, name in enumerate(text_fields(form)):
            set_field(
                form,
                name,
                f"{HOSTILE}\nline two of {name} {index}"
                if isinstance(form.query_one(f"#{name}"), TextArea)
                else f"{HOSTILE} {name}",
            )
        for name, value in DRAFT_VALUES[kind].items():
            set_field(form, name, value)
        await pilot.pause()
        payload = form.read_payload()
        assert json.loads(json.dumps(payload)) == payload  # drafts are stored as JSON

        restored = FORMS[kind](journal, draft_payload=payload, draft_key="k", known_aliases=[])
        await app.push_screen(restored)
        await settle(pilot.app, pilot)
        assert restored.read_payload() == payload
        assert restored.is_dirty  # a restored draft is unsaved work
        if kind == "reflection":
            assert get_field(restored, "session_id") == old_session.id


async def test_lock_saves_an_edit_as_a_draft(journal: Journal) -> None:
    """What the app does on lock (save_draft_now) keeps every value, and the record link."""
    original = journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="saved"))
    app = form_app(journal, "session", record=original)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "notes", "unsaved words")
        form.save_draft_now()
        (draft,) = journal.drafts()
        assert draft.kind == "session" and draft.payload["record_id"] == original.id
        assert draft.payload["values"] == form.read_payload()


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("session", "goal_focus"),
        ("reflection", "title"),
        ("checkin", "mood"),
        ("confidentiality_event", "notes"),  # what happened
        ("alias", "pseudonym"),
        ("debrief", "activation"),
        ("boundary_event", "what"),
        ("supervision", "supervisor_role"),
    ],
)
async def test_forms_fit_80x24_with_the_cursor_in_a_visible_field(
    journal: Journal, kind: str, first: str
) -> None:
    app = form_app(journal, kind)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot)
        focused = app.focused
        assert focused is not None and focused.id == first
        assert form.region.contains_region(focused.region)
        title = form.query_one(".form-title")
        assert title.region.y == 0  # the form starts at its top, nothing scrolled away
        assert form.query_one(".form-body").scroll_y == 0


async def test_form_grows_with_the_terminal(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=(160, 50)) as pilot:
        form = await opened(pilot)
        assert form.query_one("#goal_focus").region.width > 140
        assert form.query_one("#notes").region.width > 140


# ---------------------------------------------------------------------------------------------
# In the real app


async def test_n_opens_a_session_and_saving_returns_to_the_timeline(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        assert app.screen.id == "timeline"
        await pilot.press("n")
        form = await wait_for_screen(pilot, SessionForm)
        await settle(app, pilot)
        assert app.focused is form.query_one("#goal_focus")
        await pilot.press(*"Talked about the move")
        await save_form(pilot)
        await wait_until(pilot, lambda: app.screen.id == "timeline", "the timeline")
        journal = app.journal
        assert journal is not None
        (session,) = all_of(journal, Session)
        assert session.goal_focus == "Talked about the move"


async def test_a_locked_form_comes_back_as_a_draft(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        await pilot.press("r")
        form = await wait_for_screen(pilot, ReflectionForm)
        await settle(app, pilot)
        set_field(form, "template", "gibbs")
        await pilot.pause()
        set_field(form, "title", HOSTILE)
        form.query_one("#body", TextArea).insert("Unsaved words. ", (1, 0))
        before = form.read_payload()
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: app.screen.id == "unlock", "the lock")
        # Not tests.tui.conftest.unlock: it waits for every worker, and the draft offer waits
        # for an answer.
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.click("#yes")  # "Open it"
        restored = await wait_for_screen(pilot, ReflectionForm)
        await settle(app, pilot)
        assert restored.read_payload() == before


async def test_a_second_form_of_the_same_kind_does_not_clash(journal: Journal) -> None:
    app = form_app(journal, "checkin")
    async with app.run_test(size=SIZE) as pilot:
        first = await opened(pilot)
        second = CheckInForm(journal, known_aliases=[])
        await app.push_screen(second)
        await settle(pilot.app, pilot)
        assert first.id == "checkin-form" and second.id is None
        await pilot.press("3")
        assert app.is_running


async def test_offers_open_through_the_app_and_the_timeline_follows(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        await pilot.press("n")
        form = await wait_for_screen(pilot, SessionForm)
        await settle(app, pilot)
        set_field(form, "safety_flag", "limits_reached")
        set_field(form, "shared_my_story", True)
        await save_form(pilot)
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")  # record the confidentiality event
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question two")
        question_two = app.screen
        await pilot.press("y")  # and write the reflection
        await not_now_to_the_debrief(pilot, question_two)
        event_form = await wait_for_screen(pilot, ConfidentialityEventForm)  # asked first: on top
        await settle(app, pilot)
        set_field(event_form, "category", "risk_to_self")
        set_field(event_form, "notes", "A plan for tonight; we called together.")
        set_field(event_form, "consulted_role", "supervisor")
        await save_form(pilot)
        reflection_form = await wait_for_screen(pilot, ReflectionForm)
        await settle(app, pilot)
        set_field(reflection_form, "title", "What I shared")
        await save_form(pilot)
        await wait_until(pilot, lambda: app.screen.id == "timeline", "the timeline")
        await settle(app, pilot)
        journal = app.journal
        assert journal is not None
        (reflection,) = all_of(journal, Reflection)
        (event,) = all_of(journal, ConfidentialityEvent)
        (session,) = all_of(journal, Session)
        assert reflection.session_id == session.id == event.session_id
        view = app.screen.query_one(TimelineView)
        assert reflection.id in [item.id for item in view.items]


# ---------------------------------------------------------------------------------------------
# Saving nothing, future dates, and the toast after a save


@pytest.mark.parametrize(
    ("kind", "words", "field"),
    [
        ("session", "Nothing to save yet", "goal_focus"),
        ("reflection", "Nothing to save yet", "body"),
        ("checkin", "Mood: press a number", "mood"),
    ],
)
async def test_saving_nothing_is_refused_naming_the_field(
    journal: Journal, kind: str, words: str, field: str
) -> None:
    app = form_app(journal, kind, **({"template": "gibbs"} if kind == "reflection" else {}))
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        form.query_one("#tags" if kind != "checkin" else "#self_care").focus()
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, words)
        await settle(pilot.app, pilot)
        assert app.screen is form
        assert app.focused is form.query_one(f"#{field}")
    assert all_of(journal, BY_KIND[kind]) == []


async def test_a_checkin_has_no_value_chosen_for_you(journal: Journal) -> None:
    # Enter four times used to save 3/3/3; the numbers are now a conscious choice.
    app = form_app(journal, "checkin")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        assert [scale.value for scale in form.query(ScaleInput)] == [None, None, None]
        await pilot.press("enter", "enter", "enter", "enter")
        await wait_for_notice(pilot, "Mood: press a number from 1 to 5.")
        assert app.focused is form.query_one("#mood")
        await pilot.press("4", "2")
        await pilot.press("enter")  # on stress, still unset: moves on
        await pilot.press("enter")
        await wait_for_notice(pilot, "Stress: press a number")
    assert all_of(journal, CheckIn) == []


async def test_a_date_in_the_future_is_asked_about_once(journal: Journal) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "goal_focus", "planning")
        set_field(form, "when_date", "2099-01-05")
        await pilot.press("ctrl+s")
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert "2099-01-05, is in the future" in str(dialog.query_one(".dialog-text").visual)
        await pilot.press("n")  # change it
        await wait_until(pilot, lambda: app.screen is form, "the form again")
        assert all_of(journal, Session) == []
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(app.results), "the form to save")
        await wait_for_notice(pilot, "Session saved.")
    (session,) = all_of(journal, Session)
    assert session.occurred_at.startswith("2099-01-05")


async def test_a_date_today_saves_without_a_question_and_says_saved(journal: Journal) -> None:
    app = form_app(journal, "reflection")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "title", "A long day")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(app.results), "the form to save")
        await wait_for_notice(pilot, "Reflection saved.")
        assert not any(isinstance(screen, ConfirmScreen) for screen in app.screen_stack)


async def test_editing_a_session_shows_its_follow_ups(journal: Journal) -> None:
    session = journal.save(Session(id=new_id(), occurred_at=now_iso(), goal_focus="flat"))
    journal.save(
        FollowUp(id=new_id(), session_id=session.id, due_on="2026-12-09", action="Ring [b]x[/b]")
    )
    app = form_app(journal, "session", record=session)
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        shown = str(form.query_one("#session_follow_ups", Static).visual)
        assert "due 2026-12-09 · Ring [b]x[/b] (Me, open)" in shown
        title = str(form.query_one("#follow_up_title", Static).visual)
        assert "Follow-ups of this session" in title


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_date_and_time_fields_show_all_of_their_text_when_focused(
    journal: Journal, size: tuple[int, int]
) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=size) as pilot:
        form = await opened(pilot)
        for name in ("when_date", "when_time", "follow_up_due"):
            field = form.query_one(f"#{name}", Input)
            field.focus()
            field.action_end()
            await pilot.pause()
            assert field.scroll_offset.x == 0, name


async def test_tabbing_into_a_template_puts_the_cursor_under_its_first_heading(
    journal: Journal,
) -> None:
    app = form_app(journal, "reflection", template="gibbs")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        body = form.query_one("#body", TextArea)
        form.query_one("#session_id").focus()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is body
        assert body.cursor_location == (1, 0)
        await pilot.press(*"It rained")
        assert body.text.startswith("## Description\nIt rained\n")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_reflection_body_takes_the_room_there_is(
    journal: Journal, size: tuple[int, int]
) -> None:
    app = form_app(journal, "reflection")
    async with app.run_test(size=size) as pilot:
        form = await opened(pilot)
        body = form.query_one("#body", TextArea)
        assert body.outer_size.height >= 8  # the box it was, at least
        if size == (120, 36):
            assert body.outer_size.height > 10


async def test_leaving_with_changes_offers_save_and_arrows_move_between_buttons(
    journal: Journal,
) -> None:
    app = form_app(journal, "session")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press(*"half a thought")
        await pilot.press("escape")
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert app.focused is dialog.query_one("#no")  # keep editing: the safe one
        await pilot.press("right")
        assert app.focused is dialog.query_one("#save")
        await pilot.press("right", "left")
        assert app.focused is dialog.query_one("#save")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.results), "the form to save and close")
    (session,) = all_of(journal, Session)
    assert session.goal_focus == "half a thought"


async def test_a_checkin_can_be_back_dated(journal: Journal) -> None:
    app = form_app(journal, "checkin")
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        today, _ = now_fields()
        assert get_field(form, "at_date") == today  # now, unless changed
        await pilot.press("3", "4", "2", *"a bath")
        set_field(form, "at_date", "2026-01-02")
        set_field(form, "at_time", "21:30")
        await save_form(pilot, through_nudge=False)
    (checkin,) = all_of(journal, CheckIn)
    expected = datetime(2026, 1, 2, 21, 30).astimezone().isoformat(timespec="seconds")
    assert checkin.at == expected and checkin.self_care == "a bath"


async def test_picking_an_alias_with_a_dual_relationship_says_so(journal: Journal) -> None:
    journal.save(Alias(id=new_id(), pseudonym="Jules", knows_me_outside_work=True))
    journal.save(Alias(id=new_id(), pseudonym="River"))
    app = form_app(journal, "session", known_aliases=["Jules", "River"])
    async with app.run_test(size=SIZE) as pilot:
        form = await opened(pilot)
        set_field(form, "alias", "jules")
        await pilot.pause()
        status = str(form.query_one("#alias_status", Static).visual)
        assert "dual relationship" in status
        set_field(form, "alias", "River")
        await pilot.pause()
        assert str(form.query_one("#alias_status", Static).visual) == "Existing alias."

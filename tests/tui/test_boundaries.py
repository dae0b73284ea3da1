"""Boundaries in the app (issue 18): the boundary-event form, the alias form's dual relationship
and its plan, the calm line on the session form, the alias page's wording, the key and the
palette command."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, Input, Static

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, BoundaryEvent, new_id
from peerjournal.tui.screens.aliases import alias_details
from peerjournal.tui.screens.boundary_form import BoundaryEventForm
from tests.tui.conftest import make_app, unlock
from tests.tui.form_helpers import (
    HOSTILE,
    HOSTILE_STORED,
    form_app,
    get_field,
    save_form,
    set_field,
)
from tests.tui.pilot import settle, wait_for_notice, wait_for_screen, wait_until

SIZE = (100, 32)
TODAY = date.today()


def _text(form: Any, selector: str) -> str:
    visual = form.query_one(selector, Static).visual
    return str(getattr(visual, "plain", visual))


async def test_a_boundary_event_is_saved_with_its_alias_and_for_supervision(
    journal: Journal,
) -> None:
    jules = journal.save(Alias(id=new_id(), pseudonym="Jules"))
    app = form_app(journal, "boundary_event", known_aliases=["Jules"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        assert isinstance(form, BoundaryEventForm)
        assert app.focused is form.query_one("#what")
        assert get_field(form, "occurred_date") == TODAY.isoformat()  # today by default
        set_field(form, "what", "gift")
        form.query_one("#alias", Input).focus()
        await pilot.press(*"jul", "right")  # the suggestion of an existing alias
        set_field(form, "response", HOSTILE)
        set_field(form, "how_it_sat", "Touched, a bit unsure")
        form.query_one("#for_supervision", Checkbox).value = True
        await save_form(pilot)
    (event,) = journal.all_records(BoundaryEvent)
    assert app.results == [event]
    assert event.alias_id == jules.id and event.what == "gift" and event.for_supervision
    assert event.occurred_on == TODAY.isoformat()
    assert event.response == HOSTILE_STORED
    assert event.how_it_sat == "Touched, a bit unsure"


async def test_what_happened_is_asked_for_and_an_unknown_alias_is_refused(
    journal: Journal,
) -> None:
    app = form_app(journal, "boundary_event")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        set_field(form, "response", "Said no thank you")
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "Choose what happened")
        assert app.focused is form.query_one("#what")
        set_field(form, "what", "money")
        set_field(form, "alias", "Nobody")
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "No alias is called")
        assert app.screen is form
        set_field(form, "alias", "")
        await save_form(pilot)
    (event,) = journal.all_records(BoundaryEvent)
    assert event.what == "money" and event.alias_id is None


async def test_editing_a_boundary_event_fills_the_form(journal: Journal) -> None:
    sky = journal.save(Alias(id=new_id(), pseudonym="Sky"))
    event = journal.save(
        BoundaryEvent(
            id=new_id(),
            occurred_on="2026-11-02",
            alias_id=sky.id,
            what="social_media_request",
            response="Explained I keep work and social media apart",
        )
    )
    app = form_app(journal, "boundary_event", record=event)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        assert get_field(form, "alias") == "Sky"
        assert get_field(form, "what") == "social_media_request"
        assert get_field(form, "occurred_date") == "2026-11-02"
        set_field(form, "how_it_sat", "Fine")
        await save_form(pilot)
    (saved,) = journal.all_records(BoundaryEvent)
    assert saved.id == event.id and saved.alias_id == sky.id and saved.how_it_sat == "Fine"


async def test_the_alias_form_keeps_the_kinds_the_plan_and_its_dates(journal: Journal) -> None:
    # As the migration leaves it: knows me outside work, no kinds, no plan yet.
    river = journal.save(Alias(id=new_id(), pseudonym="River", knows_me_outside_work=True))
    app = form_app(journal, "alias", record=river)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        assert get_field(form, "knows_me_outside_work") is True
        assert "needs an agreed plan" in _text(form, "#dual_status")
        set_field(form, "dual_same_fellowship", True)
        set_field(form, "dual_social_media", True)
        set_field(form, "dual_plan", "We say hello at the meeting; support stays in sessions.")
        set_field(form, "dual_discussed_on", "2026-11-20")
        set_field(form, "dual_review_on", (TODAY + timedelta(days=90)).isoformat())
        await pilot.pause()
        assert _text(form, "#dual_status") == "A plan is agreed."
        set_field(form, "dual_review_on", (TODAY - timedelta(days=1)).isoformat())
        await pilot.pause()
        assert "due for a look" in _text(form, "#dual_status")
        set_field(form, "dual_review_on", (TODAY + timedelta(days=90)).isoformat())
        await save_form(pilot)
    saved = journal.get(Alias, river.id)
    assert saved.dual_relationships == ["same_fellowship", "social_media"]
    assert saved.knows_me_outside_work
    assert saved.dual_plan.startswith("We say hello")
    assert saved.dual_discussed_on == "2026-11-20"
    assert saved.dual_review_on == (TODAY + timedelta(days=90)).isoformat()


async def test_ticking_a_kind_ticks_knows_me_and_unticking_it_clears_the_kinds(
    journal: Journal,
) -> None:
    app = form_app(journal, "alias")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        assert _text(form, "#dual_status") == ""
        set_field(form, "dual_neighbour", True)
        await pilot.pause()
        assert get_field(form, "knows_me_outside_work") is True
        assert "needs an agreed plan" in _text(form, "#dual_status")
        set_field(form, "knows_me_outside_work", False)
        await pilot.pause()
        assert get_field(form, "dual_neighbour") is False
        assert _text(form, "#dual_status") == ""


async def test_the_session_form_says_calmly_when_a_plan_is_needed(journal: Journal) -> None:
    past = (TODAY - timedelta(days=3)).isoformat()
    journal.save(Alias(id=new_id(), pseudonym="Ash", dual_relationships=["neighbour"]))
    journal.save(
        Alias(
            id=new_id(),
            pseudonym="Birch",
            dual_relationships=["co_worker"],
            dual_plan="p",
            dual_review_on=past,
        )
    )
    journal.save(Alias(id=new_id(), pseudonym="Cedar", dual_relationships=["other"], dual_plan="p"))
    journal.save(Alias(id=new_id(), pseudonym="Dale"))
    app = form_app(journal, "session", known_aliases=["Ash", "Birch", "Cedar", "Dale"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        expected = {
            "Ash": "needs an agreed plan",
            "Birch": "due for review",
            "Cedar": "with a plan agreed",
            "Dale": "Existing alias.",
        }
        for name, words in expected.items():
            set_field(form, "alias", name)
            await pilot.pause()
            line = _text(form, "#alias_status")
            assert words in line, (name, line)
            assert "\n" not in line  # one line


def test_the_alias_page_words_a_dual_relationship_calmly() -> None:
    alias = Alias(
        id=new_id(),
        pseudonym="Jules",
        dual_relationships=["neighbour", "same_fellowship"],
        dual_plan="Hello in the garden, nothing more. " * 5,
        dual_discussed_on="2026-11-02",
        dual_review_on="2027-01-31",
    )
    content = alias_details(alias, date(2026, 12, 2))
    assert (
        "Knows me outside work (neighbour, same fellowship or meeting): plan agreed "
        "(discussed in supervision on 2026-11-02; review on 2027-01-31)." in content.plain
    )
    assert "Plan: Hello in the garden" in content.plain and "…" in content.plain
    styles = " ".join(str(span.style) for span in content.spans)
    assert "warning" not in styles and "error" not in styles  # no alarm colour
    unplanned = Alias(id=new_id(), pseudonym="Sky", knows_me_outside_work=True)
    assert "Knows me outside work: needs an agreed plan." in alias_details(unplanned).plain


async def test_b_on_the_timeline_and_the_palette_open_the_form(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        assert app.screen.id == "timeline"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "New boundary event" in titles
        await pilot.press("b")
        form = await wait_for_screen(pilot, BoundaryEventForm)
        await settle(app, pilot)
        set_field(form, "what", "out_of_hours_contact")
        set_field(form, "response", "Replied next morning, in work hours")
        await save_form(pilot)
        await wait_until(pilot, lambda: app.screen.id == "timeline", "the timeline")
        journal = app.journal
        assert journal is not None
        (event,) = journal.all_records(BoundaryEvent)
        assert event.what == "out_of_hours_contact"
        items = journal.timeline(kinds=["boundary_event"]).items
        assert (items[0].label, items[0].title) == ("Boundary", "out-of-hours contact")


async def test_b_on_the_aliases_screen_notes_an_event_about_that_alias(
    existing_home: Path,
) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)
        journal = app.journal
        assert journal is not None
        wren = journal.save(Alias(id=new_id(), pseudonym="Wren"))
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("b")
        form = await wait_for_screen(pilot, BoundaryEventForm)
        await settle(app, pilot)
        assert get_field(form, "alias") == "Wren"
        set_field(form, "what", "physical_contact")
        await save_form(pilot)
        (event,) = journal.all_records(BoundaryEvent)
        assert event.alias_id == wren.id and event.what == "physical_contact"

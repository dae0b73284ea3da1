"""Limits of confidentiality in the app: the event form asks for what it needs, a concern gets
a short consultation record, and an event is found from its session, its alias and the
timeline's filter; a new alias asks whether the limits were explained."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList, Select, Static

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, ConfidentialityEvent, Session, new_id
from peerjournal.tui.screens.aliases import AliasesScreen, AliasNameScreen
from peerjournal.tui.screens.confidentiality_form import (
    CONCERN_NOTE,
    OFFICIAL_RECORD_NOTE,
    ConfidentialityEventForm,
)
from peerjournal.tui.screens.entry import EntryScreen
from peerjournal.tui.screens.session_form import SessionForm
from peerjournal.tui.screens.timeline import KIND_CHOICES
from tests.tui.form_helpers import OpenFormApp, form_app, save_form, set_field, shown_text
from tests.tui.harness import HarnessApp, OpeningHarness
from tests.tui.pilot import settle, wait_for_notice, wait_for_screen, wait_until

SIZE = (100, 32)


def events_of(journal: Journal) -> list[ConfidentialityEvent]:
    return journal.all_records(ConfidentialityEvent)


async def test_an_empty_event_is_not_saved_and_the_form_says_what_is_missing(
    journal: Journal,
) -> None:
    app = form_app(journal, "confidentiality_event")
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        assert OFFICIAL_RECORD_NOTE in shown_text(form)
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "Choose a category. Write at least one line of what happened.")
        assert app.screen is form and events_of(journal) == []
        set_field(form, "category", "risk_to_others")
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "Write at least one line of what happened.")
        assert events_of(journal) == []
        set_field(form, "notes", "They named someone they meant to hurt.")
        set_field(form, "disclosed_to", "the duty social worker")
        set_field(form, "official_record", "yes")
        set_field(form, "how_it_landed", "I was shaking afterwards")
        await save_form(pilot)
    (event,) = events_of(journal)
    assert event.category == "risk_to_others" and event.occasion == "limits_reached"
    assert event.disclosed_to == "the duty social worker" and event.official_record == "yes"
    assert event.how_it_landed == "I was shaking afterwards"


async def test_limits_explained_is_prefilled_from_the_alias(journal: Journal) -> None:
    river = journal.save(
        Alias(
            id=new_id(),
            pseudonym="River",
            limits_explained_on="2020-01-05",
            limits_explained_note="risk to life, children, courts",
        )
    )
    sky = journal.save(Alias(id=new_id(), pseudonym="Sky"))
    app = form_app(journal, "confidentiality_event", alias_id=river.id)
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, ConfidentialityEventForm)
        ticked = form.query_one("#limits_explained_before", Checkbox)
        await wait_until(pilot, lambda: ticked.value, "limits explained ticked")
        hint = str(form.query_one("#limits_hint", Static).visual)
        assert "2020-01-05" in hint and "risk to life, children, courts" in hint
    app = form_app(journal, "confidentiality_event", alias_id=sky.id)
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        assert not form.query_one("#limits_explained_before", Checkbox).value
        assert "no date" in str(form.query_one("#limits_hint", Static).visual)


async def test_a_concern_gets_a_short_consultation_record(journal: Journal) -> None:
    app = form_app(journal, "confidentiality_event", occasion="concern")
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        assert CONCERN_NOTE in shown_text(form)
        assert not form.query_one("#disclosed_minimum_cell").display
        assert "What we decided" in shown_text(form)
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "Write at least one line of what you decided.")
        set_field(form, "consulted_role", "my supervisor")
        set_field(form, "outcome", "Not to share: no plan, and a safety plan agreed.")
        set_field(form, "reason", "Protective factors; they asked to keep it between us.")
        await save_form(pilot)
    (event,) = events_of(journal)
    assert event.occasion == "concern" and event.category == "other"
    assert event.outcome.startswith("Not to share")


async def test_a_concern_flag_offers_the_consultation_record(journal: Journal) -> None:
    from peerjournal.tui.screens.dialogs import ConfirmScreen

    app = OpenFormApp(journal, lambda: SessionForm(journal, known_aliases=[]))
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, SessionForm)
        await settle(pilot.app, pilot)
        set_field(form, "alias", "River")
        set_field(form, "safety_flag", "concern")
        set_field(form, "notes", "Talked about feeling low.")
        await save_form(pilot)
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert "A decision not to share is worth recording" in shown_text(dialog)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is not dialog, "the debrief offer")
        await pilot.press("n")  # "Take two minutes to debrief?" Not now
        event_form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        assert event_form.occasion == "concern"
        assert event_form.query_one("#occasion", Select).value == "concern"


async def test_the_limits_offer_says_where_the_official_record_goes(journal: Journal) -> None:
    from peerjournal.tui.screens.dialogs import ConfirmScreen

    app = OpenFormApp(journal, lambda: SessionForm(journal, known_aliases=[]))
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, SessionForm)
        await settle(pilot.app, pilot)
        set_field(form, "safety_flag", "limits_reached")
        set_field(form, "notes", "A plan for tonight.")
        await save_form(pilot)
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert "record it in the official system" in shown_text(dialog)


def _session_with_event(journal: Journal) -> tuple[Alias, Session, ConfidentialityEvent]:
    alias = journal.save(Alias(id=new_id(), pseudonym="River"))
    session = journal.save(
        Session(
            id=new_id(),
            alias_id=alias.id,
            occurred_at="2026-11-20T14:00:00+00:00",
            safety_flag="limits_reached",
            notes="hard session",
        )
    )
    event = journal.save(
        ConfidentialityEvent(
            id=new_id(),
            session_id=session.id,
            alias_id=alias.id,
            at="2026-11-20T15:00:00+00:00",
            category="risk_to_self",
            notes="made the call together",
        )
    )
    return alias, session, event


async def test_an_event_is_on_its_session_page_and_v_opens_it(journal: Journal) -> None:
    _, session, event = _session_with_event(journal)
    app = OpenFormApp(journal, lambda: EntryScreen(journal, session.id))
    async with app.run_test(size=SIZE) as pilot:
        entry = await wait_for_screen(pilot, EntryScreen)
        await wait_until(pilot, lambda: "made the call together" in shown_text(entry), "events")
        assert "Confidentiality events" in shown_text(entry)
        await pilot.press("v")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, EntryScreen) and app.screen.entry_id == event.id,
            "the event",
        )
        await wait_until(pilot, lambda: "What happened" in shown_text(app.screen), "labels")


async def test_an_event_is_on_its_alias_page(journal: Journal) -> None:
    _, _, event = _session_with_event(journal)
    app = OpeningHarness(lambda: AliasesScreen(journal))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        listing = app.screen.query_one("#alias-events", OptionList)
        await wait_until(pilot, lambda: listing.option_count == 1, "the event")
        assert listing.border_title == "Confidentiality events (1)"
        listing.focus()
        listing.highlighted = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.opened == [event.id], "opened")


def test_the_timeline_filter_offers_events() -> None:
    assert ("Confidentiality", "confidentiality_event") in KIND_CHOICES


async def test_a_new_alias_records_when_the_limits_were_explained(journal: Journal) -> None:
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot.app, pilot)
        await pilot.press("n")
        dialog = await wait_for_screen(pilot, AliasNameScreen)
        assert not dialog.query_one("#limits-details").display
        dialog.query_one("#alias-name", Input).value = "Robin"
        dialog.query_one("#limits-explained", Checkbox).value = True
        await wait_until(pilot, lambda: dialog.query_one("#limits-details").display, "details")
        dialog.query_one("#limits-on", Input).value = "2026-11-02"
        dialog.query_one("#limits-note", Input).value = "risk, children, courts"
        dialog.query_one("#alias-name", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "aliases", "saved")
    robin = journal.alias_by_pseudonym("Robin")
    assert robin is not None and robin.limits_explained_on == "2026-11-02"
    assert robin.limits_explained_note == "risk, children, courts"

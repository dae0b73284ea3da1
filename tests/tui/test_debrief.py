"""The debrief in the app (issue 17): offered, never forced, after a hard session; "Not now"
saves nothing; the form asks for a conscious activation, makes its follow-up, and is in the
palette, the timeline filter and the entry view."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import Button, Input

from peerjournal.core.debriefs import save_debrief
from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, ConfidentialityEvent, Debrief, FollowUp, Session, new_id
from peerjournal.tui.screens.checkin_form import ScaleInput
from peerjournal.tui.screens.confidentiality_form import ConfidentialityEventForm
from peerjournal.tui.screens.debrief_form import DEBRIEF_OFFER, DebriefForm
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.screens.entry import EntryScreen
from peerjournal.tui.screens.session_form import SessionForm
from peerjournal.tui.screens.timeline import KIND_CHOICES
from tests.tui.conftest import make_app, unlock
from tests.tui.form_helpers import (
    OpenFormApp,
    save_form,
    set_field,
    shown_text,
)
from tests.tui.pilot import settle, wait_for_notice, wait_for_screen, wait_until

SIZE = (100, 40)


def session_app(journal: Journal) -> OpenFormApp:
    return OpenFormApp(journal, lambda: SessionForm(journal, known_aliases=[]))


async def save_a_session(pilot, **values: object) -> None:  # type: ignore[no-untyped-def]
    form = await wait_for_screen(pilot, SessionForm)
    await settle(pilot.app, pilot)
    set_field(form, "notes", "Hard one today.")
    for name, value in values.items():
        set_field(form, name, value)
    await save_form(pilot)


async def answer_until_debrief_offer(pilot) -> ConfirmScreen:  # type: ignore[no-untyped-def]
    """Say "Not now" to the offers asked before the debrief; return the debrief's dialog."""
    for _ in range(4):
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        if DEBRIEF_OFFER in shown_text(dialog):
            return dialog  # type: ignore[return-value]
        await pilot.press("n")
        await wait_until(pilot, lambda d=dialog: pilot.app.screen is not d, "the next question")
    raise AssertionError("no debrief offered")


async def test_a_flagged_session_offers_a_debrief_and_it_makes_its_follow_up(
    journal: Journal,
) -> None:
    app = session_app(journal)
    async with app.run_test(size=SIZE) as pilot:
        await save_a_session(pilot, alias="River", safety_flag="concern")
        dialog = await answer_until_debrief_offer(pilot)
        assert str(dialog.query_one("#no", Button).label) == "Not now"
        assert str(dialog.query_one("#yes", Button).label) == "Debrief"
        assert dialog.focused is dialog.query_one("#no", Button)  # enter never says yes
        await pilot.press("y")
        form = await wait_for_screen(pilot, DebriefForm)
        await settle(pilot.app, pilot)
        assert "After the session of" in shown_text(form) and "River" in shown_text(form)
        # Nothing is chosen beforehand: saving asks for the activation first.
        assert form.query_one("#activation", ScaleInput).value is None
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "press a number from 0 to 10")
        assert journal.counts()["debrief"] == 0
        await pilot.press("1", "0")  # 10: "1" then "0"
        assert form.query_one("#activation", ScaleInput).value == 10
        set_field(form, "mine", "a racing heart")
        set_field(form, "theirs", "their choices")
        set_field(form, "talk_to", "my supervisor")
        set_field(form, "tonight", "an early night")
        await save_form(pilot)
        await wait_for_notice(pilot, "Follow-up: talk to my supervisor")
    (session,) = journal.all_records(Session)
    (debrief,) = journal.all_records(Debrief)
    assert (debrief.session_id, debrief.activation, debrief.mine) == (
        session.id,
        10,
        "a racing heart",
    )
    follow_up = journal.get(FollowUp, debrief.follow_up_id or "")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert (follow_up.owner, follow_up.due_on, follow_up.session_id) == ("me", tomorrow, session.id)
    assert follow_up.action == "Talk to my supervisor"


async def test_not_now_saves_nothing(journal: Journal) -> None:
    app = session_app(journal)
    async with app.run_test(size=SIZE) as pilot:
        await save_a_session(pilot, stayed_with_me=True)
        dialog = await answer_until_debrief_offer(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is not dialog, "the dialog to close")
        await settle(pilot.app, pilot)
        assert not any(isinstance(s, DebriefForm) for s in app.screen_stack)
    assert journal.counts()["debrief"] == 0 and journal.counts()["follow_up"] == 0
    assert journal.all_records(Session)[0].stayed_with_me is True


async def test_an_ordinary_session_offers_no_debrief(journal: Journal) -> None:
    app = session_app(journal)
    async with app.run_test(size=SIZE) as pilot:
        await save_a_session(pilot, alias="River")
        await settle(pilot.app, pilot)
        await pilot.pause(0.05)
        assert not any(isinstance(s, (ConfirmScreen, DebriefForm)) for s in app.screen_stack)
    assert journal.counts()["session"] == 1


async def test_an_edit_that_keeps_the_flag_does_not_ask_again(journal: Journal) -> None:
    session = journal.save(
        Session(
            id=new_id(),
            occurred_at="2026-11-20T14:00:00+00:00",
            safety_flag="concern",
            stayed_with_me=True,
            notes="hard",
        )
    )
    app = OpenFormApp(journal, lambda: SessionForm(journal, record=session, known_aliases=[]))
    async with app.run_test(size=SIZE) as pilot:
        await save_a_session(pilot)
        await settle(pilot.app, pilot)
        await pilot.pause(0.05)
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)


async def test_a_confidentiality_event_offers_a_debrief_linked_to_it(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="River"))
    session = journal.save(
        Session(id=new_id(), alias_id=alias.id, occurred_at="2026-11-20T14:00:00+00:00")
    )
    app = OpenFormApp(
        journal,
        lambda: ConfidentialityEventForm(
            journal, session_id=session.id, alias_id=alias.id, known_aliases=["River"]
        ),
    )
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        set_field(form, "category", "risk_to_self")
        set_field(form, "notes", "We made the call together.")
        await save_form(pilot)
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert DEBRIEF_OFFER in shown_text(dialog)
        await pilot.press("y")
        debrief_form = await wait_for_screen(pilot, DebriefForm)
        (event,) = journal.all_records(ConfidentialityEvent)
        assert (debrief_form.session_id, debrief_form.event_id) == (session.id, event.id)  # type: ignore[attr-defined]


async def test_the_event_offered_after_a_session_does_not_ask_twice(journal: Journal) -> None:
    app = session_app(journal)
    async with app.run_test(size=SIZE) as pilot:
        await save_a_session(pilot, safety_flag="limits_reached")
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")  # record the event
        await wait_until(pilot, lambda: app.screen is not dialog, "the next question")
        await answer_until_debrief_offer(pilot)
        await pilot.press("n")  # not now
        form = await wait_for_screen(pilot, ConfidentialityEventForm)
        await settle(pilot.app, pilot)
        assert form.offer_debrief is False  # type: ignore[attr-defined]


async def test_a_date_too_far_on_is_refused_with_words(journal: Journal) -> None:
    app = OpenFormApp(journal, lambda: DebriefForm(journal, known_aliases=[]))
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, DebriefForm)
        await settle(pilot.app, pilot)
        assert "After the" not in shown_text(form)  # from the palette: no link
        form.query_one("#activation", ScaleInput).value = 4
        set_field(form, "talk_to", "a friend")
        set_field(form, "talk_by_date", (date.today() + timedelta(days=9)).isoformat())
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "within 3 days")
        assert journal.counts()["debrief"] == 0
        set_field(form, "talk_to", "")  # no one named: no date asked, no follow-up
        await save_form(pilot)
    (debrief,) = journal.all_records(Debrief)
    assert debrief.follow_up_id is None and journal.counts()["follow_up"] == 0


async def test_the_entry_view_shows_its_follow_up_and_the_session_its_debriefs(
    journal: Journal,
) -> None:
    session = journal.save(
        Session(id=new_id(), occurred_at="2026-11-20T14:00:00+00:00", notes="hard")
    )
    debrief = save_debrief(
        journal,
        Debrief(
            id=new_id(),
            at="2026-11-20T15:00:00+00:00",
            session_id=session.id,
            activation=6,
            mine="[bold]mine[/]",
            talk_to="my supervisor",
        ),
        today=date(2026, 11, 20),
    )
    app = OpenFormApp(journal, lambda: EntryScreen(journal, debrief.id))
    async with app.run_test(size=SIZE) as pilot:
        entry = await wait_for_screen(pilot, EntryScreen)
        await wait_until(pilot, lambda: "Its follow-up" in shown_text(entry), "the entry")
        text = shown_text(entry)
        assert "6 / 10" in text and "[bold]mine[/]" in text  # user text is never markup
        assert "Talk to my supervisor" in text and "Linked session" in text
    app = OpenFormApp(journal, lambda: EntryScreen(journal, session.id))
    async with app.run_test(size=SIZE) as pilot:
        entry = await wait_for_screen(pilot, EntryScreen)
        await wait_until(pilot, lambda: "Debriefs after it" in shown_text(entry), "debriefs")
        assert "activation 6/10" in shown_text(entry)


def test_the_timeline_filter_offers_debriefs() -> None:
    assert ("Debriefs", "debrief") in KIND_CHOICES


async def test_the_palette_opens_a_debrief(existing_home) -> None:  # type: ignore[no-untyped-def]
    app = make_app(existing_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert "Debrief" in commands
        app.action_new("debrief")
        form = await wait_for_screen(pilot, DebriefForm)
        assert form.query_one("#activation", ScaleInput).has_focus
        assert (
            form.query_one("#talk_by_date", Input).value
            == (date.today() + timedelta(days=1)).isoformat()
        )


async def test_editing_a_debrief_keeps_its_one_follow_up(journal: Journal) -> None:
    today = date.today()
    saved = save_debrief(
        journal,
        Debrief(
            id=new_id(),
            at="2026-11-20T15:00:00+00:00",
            activation=6,
            talk_to="my supervisor",
            talk_by=(today + timedelta(days=1)).isoformat(),
        ),
        today=today,
    )
    app = OpenFormApp(journal, lambda: DebriefForm(journal, record=saved, known_aliases=[]))
    async with app.run_test(size=SIZE) as pilot:
        form = await wait_for_screen(pilot, DebriefForm)
        await settle(pilot.app, pilot)
        assert form.query_one("#activation", ScaleInput).value == 6
        set_field(form, "talk_to", "a friend from my group")
        await save_form(pilot)
    (debrief,) = journal.all_records(Debrief)
    (follow_up,) = journal.all_records(FollowUp)
    assert debrief.follow_up_id == follow_up.id and debrief.talk_to == "a friend from my group"
    assert follow_up.action == "Talk to a friend from my group"

"""The entry view: every field shown literally, edit through the record's form, delete after
an explicit confirmation."""

from __future__ import annotations

from pathlib import Path

from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    new_id,
    now_iso,
)
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.screens.entry import EntryScreen
from peerjournal.tui.screens.session_form import SessionForm
from peerjournal.tui.widgets.timeline_view import TimelineView
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app, unlock
from tests.tui.form_helpers import (
    HOSTILE,
    HOSTILE_STORED,
    OpenFormApp,
    get_field,
    save_form,
    set_field,
    shown_text,
)
from tests.tui.pilot import settle, wait_for_notice, wait_for_screen, wait_until

SIZE = (100, 32)


def entry_app(journal: Journal, entry_id: str) -> OpenFormApp:
    return OpenFormApp(journal, lambda: EntryScreen(journal, entry_id))


def hostile_session(journal: Journal) -> Session:
    alias = journal.save(Alias(id=new_id(), pseudonym="[b]Sky[/b]"))
    session = journal.save(
        Session(
            id=new_id(),
            occurred_at="2026-11-20T14:00:00+01:00",
            alias_id=alias.id,
            duration_min=90,
            method="in_person",
            goal_focus=HOSTILE,
            notes=f"first line\n{HOSTILE}",
            safety_flag="concern",
            tags=["housing"],
            shared_my_story=True,
        )
    )
    journal.save(
        FollowUp(
            id=new_id(),
            alias_id=alias.id,
            session_id=session.id,
            due_on="2026-11-27",
            action="[red]Call[/red] the council",
            owner="both",
        )
    )
    return session


async def test_entry_shows_a_session_fully_and_literally(journal: Journal) -> None:
    session = hostile_session(journal)
    app = entry_app(journal, session.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        screen = app.screen
        assert screen.id == "entry"
        shown = shown_text(screen)
        assert HOSTILE_STORED in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "first line\n" + HOSTILE_STORED in shown  # line breaks kept
        for words in (
            "[b]Sky[/b]",
            "1 h 30 min",
            "In person",
            "Concern",
            "#housing",
            "[red]Call[/red] the council",
            "2026-11-20 14:00",
            "Both of us",
            "Shared my story",
            "Yes",
            "Goal focus",
        ):
            assert words in shown, words
        assert app.is_running  # [@click=app.quit] stayed words


async def test_entry_shows_reflection_checkin_and_event(journal: Journal) -> None:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    session = journal.save(
        Session(
            id=new_id(),
            occurred_at="2026-11-20T14:00:00+01:00",
            alias_id=river.id,
            goal_focus="Moving house",
        )
    )
    reflection = journal.save(
        Reflection(
            id=new_id(),
            occurred_on="2026-11-21",
            template="gibbs",
            title="[i]Title[/i]",
            body="## Feelings\n[ fine",
            session_id=session.id,
            for_supervision=True,
        )
    )
    checkin = journal.save(
        CheckIn(
            id=new_id(), at=now_iso(), mood=4, energy=2, stress=5, self_care="[blink]tea[/blink]"
        )
    )
    event = journal.save(
        ConfidentialityEvent(
            id=new_id(),
            session_id=session.id,
            alias_id=river.id,
            at=now_iso(),
            category="third_party_request",
            consulted_role="team lead",
        )
    )
    expectations = {
        reflection.id: [
            "[i]Title[/i]",
            "## Feelings\n[ fine",
            "Gibbs reflective cycle",
            "River",
            "Moving house",
            "For supervision",
        ],
        checkin.id: ["4 / 5", "2 / 5", "5 / 5", "[blink]tea[/blink]"],
        event.id: ["Third-party or legal request", "team lead", "River", "Moving house"],
    }
    for entry_id, words in expectations.items():
        app = entry_app(journal, entry_id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot.app, pilot)
            shown = shown_text(app.screen)
            for expected in words:
                assert expected in shown, expected


async def test_delete_asks_then_deletes(journal: Journal) -> None:
    session = hostile_session(journal)
    app = entry_app(journal, session.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        await pilot.press("d")
        dialog = await wait_for_screen(pilot, ConfirmScreen)
        assert "Delete this session? ctrl+z brings it back for a few seconds" in shown_text(dialog)
        await pilot.press("escape")  # changed my mind
        await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen), "the entry")
        assert journal.exists(Session, session.id)

        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.click("#yes")
        await wait_until(pilot, lambda: app.results == ["deleted"], "the entry to close")
    assert not journal.exists(Session, session.id)


async def test_edit_opens_the_form_and_the_view_follows(journal: Journal) -> None:
    session = hostile_session(journal)
    app = entry_app(journal, session.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        await pilot.press("e")
        form = await wait_for_screen(pilot, SessionForm)
        await settle(pilot.app, pilot)
        assert get_field(form, "alias") == "[b]Sky[/b]"
        assert get_field(form, "goal_focus") == HOSTILE_STORED
        set_field(form, "notes", "Rewritten notes")
        await save_form(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen), "the entry")
        await settle(pilot.app, pilot)
        assert "Rewritten notes" in shown_text(app.screen)
    assert journal.get(Session, session.id).notes == "Rewritten notes"


async def test_a_follow_up_is_edited_in_the_follow_up_form(journal: Journal) -> None:
    from peerjournal.tui.screens.follow_up_form import FollowUpForm

    follow_up = journal.save(FollowUp(id=new_id(), due_on="2026-11-27", action="Ring back"))
    app = entry_app(journal, follow_up.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        assert "Ring back" in shown_text(app.screen)
        await pilot.press("e")
        form = await wait_for_screen(pilot, FollowUpForm)
        await settle(pilot.app, pilot)
        assert get_field(form, "action") == "Ring back"
        set_field(form, "action", "Ring back on Monday")
        await save_form(pilot, through_nudge=False)
        await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen), "the entry")
    assert journal.get(FollowUp, follow_up.id).action == "Ring back on Monday"


async def test_escape_goes_back(journal: Journal) -> None:
    checkin = journal.save(CheckIn(id=new_id(), at=now_iso()))
    app = entry_app(journal, checkin.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.results == [None], "the entry to close")


async def test_an_entry_deleted_elsewhere_closes_with_a_message(journal: Journal) -> None:
    app = entry_app(journal, new_id())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.results == [None], "the entry to close")
        await wait_for_notice(pilot, "no longer exists")


async def test_a_delete_can_be_undone_for_ten_seconds_then_not(home: Path) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        session = journal.save(
            Session(id=new_id(), occurred_at="2026-11-20T10:00:00+00:00", goal_focus="moving")
        )
        reflection = journal.save(
            Reflection(id=new_id(), occurred_on="2026-11-21", session_id=session.id, body="x")
        )
    now = [1000.0]
    app = make_app(home, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot)

        async def delete_it() -> None:
            app.action_open_entry(session.id)
            await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen), "the entry")
            await settle(app, pilot)
            await pilot.press("d")
            await wait_for_screen(pilot, ConfirmScreen)
            await pilot.press("y")
            await wait_until(pilot, lambda: app.screen.id == "timeline", "the timeline")
            await wait_for_notice(pilot, "Session deleted. ctrl+z brings it back")
            await settle(app, pilot)

        def shown() -> list[str]:
            return [item.id for item in app.screen.query_one(TimelineView).items]

        await delete_it()
        assert session.id not in shown()
        await pilot.press("ctrl+z")
        await wait_for_notice(pilot, "Session restored.")
        await settle(app, pilot)
        assert session.id in shown()
        assert app.journal is not None
        assert app.journal.get(Reflection, reflection.id).session_id == session.id

        await delete_it()
        now[0] += 10.5  # too late
        await pilot.press("ctrl+z")
        await wait_for_notice(pilot, "Nothing to undo.")
        await settle(app, pilot)
        assert session.id not in shown()
        assert not app.journal.exists(Session, session.id)

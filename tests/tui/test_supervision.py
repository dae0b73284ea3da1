"""Supervision in the app: prepare (what to bring), the digest from there, record the
supervision (its actions become follow-ups), and what changes afterwards: the items leave the
"not yet discussed" list and say when they were discussed, the timeline's filters and title."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static

from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    Supervision,
    new_id,
)
from peerjournal.core.supervision import items_for_supervision
from peerjournal.tui.screens.digest import DigestScreen
from peerjournal.tui.screens.entry import EntryScreen
from peerjournal.tui.screens.supervision import (
    PrepareSupervisionScreen,
)
from peerjournal.tui.screens.supervision_form import SupervisionForm, action_lines
from peerjournal.tui.screens.timeline import TimelineScreen, next_supervision_text
from peerjournal.tui.widgets.timeline_view import TimelineView
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app, unlock
from tests.tui.form_helpers import (
    HOSTILE,
    HOSTILE_STORED,
    save_form,
    set_field,
    shown_text,
)
from tests.tui.pilot import settle, wait_for_screen, wait_until

TODAY = date(2026, 12, 3)  # a Thursday


def _marked_journal(home: Path) -> dict[str, str]:
    """Two reflections and a confidentiality event marked for supervision, one reflection not."""
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        session = journal.save(
            Session(id=new_id(), occurred_at="2026-11-18T10:00:00+00:00", notes="a session")
        )
        first = journal.save(
            Reflection(
                id=new_id(),
                occurred_on="2026-11-20",
                title="When the call ran over",
                for_supervision=True,
            )
        )
        event = journal.save(
            ConfidentialityEvent(
                id=new_id(),
                session_id=session.id,
                at="2026-11-22T15:00:00+00:00",
                category="risk_to_self",
                notes="shared with the crisis team",
                for_supervision=True,
            )
        )
        later = journal.save(
            Reflection(id=new_id(), occurred_on="2026-11-25", title=HOSTILE, for_supervision=True)
        )
        journal.save(Reflection(id=new_id(), occurred_on="2026-11-26", title="Just for me"))
    return {"first": first.id, "event": event.id, "later": later.id}


def _listed(screen: PrepareSupervisionScreen) -> list[str]:
    return [item.id for item in screen.items]


async def test_prepare_bring_digest_record_and_the_items_leave_the_list(home: Path) -> None:
    ids = _marked_journal(home)
    app = make_app(home, today=lambda: TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        await pilot.press("p")
        prepare = await wait_for_screen(pilot, PrepareSupervisionScreen)
        assert isinstance(prepare, PrepareSupervisionScreen)
        await settle(app, pilot)
        # Oldest first, across kinds; the unmarked reflection is not there.
        assert _listed(prepare) == [ids["first"], ids["event"], ids["later"]]
        listing = prepare.query_one("#prepare-list", OptionList)
        assert listing.border_title == "To bring: 3 of 3"
        assert HOSTILE_STORED in str(listing.get_option_at_index(2).prompt)  # literal
        assert "No supervision recorded yet" in shown_text(prepare)

        # The confidentiality event: not this time.
        await pilot.press("down", "space")
        assert listing.border_title == "To bring: 2 of 3"
        assert prepare.brought == [ids["first"], ids["later"]]
        assert "not this time" in str(listing.get_option_at_index(1).prompt)

        # Enter opens an item; escape comes back to the same choices.
        await pilot.press("enter")
        entry = await wait_for_screen(pilot, EntryScreen)
        assert isinstance(entry, EntryScreen) and entry.entry_id == ids["event"]
        await settle(app, pilot)
        assert "Yes · not yet discussed" in shown_text(entry)
        await pilot.press("escape")
        await wait_for_screen(pilot, PrepareSupervisionScreen)
        await settle(app, pilot)
        assert prepare.brought == [ids["first"], ids["later"]]

        # The digest, from the start of the journal (no supervision yet), with its review.
        await pilot.press("d")
        digest = await wait_for_screen(pilot, DigestScreen)
        await settle(app, pilot)
        assert digest.query_one("#digest-since").value == ""  # type: ignore[attr-defined]
        assert "No supervision yet: the whole journal." in shown_text(digest)
        # The event set to "not this time" stays out of it, and it says so.
        assert isinstance(digest, DigestScreen)
        await wait_until(pilot, lambda: digest.digest is not None, "the digest")
        made = digest.digest
        assert made is not None and made.events_shown == 0 and made.reflections == 2
        assert "1 item you set aside for another time is left out." in made.text
        await pilot.press("escape")
        await wait_for_screen(pilot, PrepareSupervisionScreen)

        # Record it: the items brought are filled in.
        await pilot.press("r")
        form = await wait_for_screen(pilot, SupervisionForm)
        await settle(app, pilot)
        assert isinstance(form, SupervisionForm)
        assert form.items == [ids["first"], ids["later"]]
        brought = shown_text(form)
        assert "Items brought (2)" in brought and "When the call ran over" in brought
        assert HOSTILE_STORED in brought
        assert form.query_one("#occurred_on").value == TODAY.isoformat()  # type: ignore[attr-defined]
        assert form.query_one("#actions_due").value == "2026-12-10"  # type: ignore[attr-defined]
        set_field(form, "supervisor_role", "peer supervisor")
        set_field(form, "format", "group")
        set_field(form, "notes", "talked about endings")
        set_field(form, "actions", "read the lone working policy\n\n  ask about a debrief  \n")
        set_field(form, "next_date", "2026-12-08")
        await save_form(pilot)
        await wait_for_screen(pilot, PrepareSupervisionScreen)
        await settle(app, pilot)
        # Only the event left: it was not brought.
        assert _listed(prepare) == [ids["event"]]
        assert "Last supervision: Thu 03 Dec 2026 (group)" in shown_text(prepare)

        journal = app.journal
        assert journal is not None
        (supervision,) = journal.all_records(Supervision)
        assert supervision.items == [ids["first"], ids["later"]]
        assert (supervision.supervisor_role, supervision.next_on) == (
            "peer supervisor",
            "2026-12-08",
        )
        actions = [f for f in journal.all_records(FollowUp) if f.supervision_id == supervision.id]
        assert sorted(f.action for f in actions) == [
            "ask about a debrief",
            "read the lone working policy",
        ]
        assert {(f.owner, f.due_on, f.status) for f in actions} == {("me", "2026-12-10", "open")}

        # The brought reflection says when it was discussed.
        await pilot.press("escape")
        await wait_for_screen(pilot, TimelineScreen)
        await app.run_action(f"open_entry('{ids['first']}')")
        entry = await wait_for_screen(pilot, EntryScreen)
        await settle(app, pilot)
        assert "Yes · discussed on Thu 03 Dec 2026" in shown_text(entry)
        await pilot.press("escape")
        timeline = await wait_for_screen(pilot, TimelineScreen)
        await settle(app, pilot)
        # Next supervision within a week: said in the title bar.
        title = str(timeline.query_one("#title-bar", Static).visual)
        assert "Supervision on Tue 08 Dec" in title
        # The follow-ups agreed are there.
        await pilot.press("f")
        await settle(app, pilot)
        assert "read the lone working policy" in str(
            [o.prompt for o in app.screen.query_one(OptionList).options]
        )


async def test_the_timeline_filters_for_supervision_and_not_yet_discussed(home: Path) -> None:
    ids = _marked_journal(home)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(
            Supervision(
                id=new_id(), occurred_on="2026-11-30", items=[ids["first"]], next_on="2026-12-20"
            )
        )
    app = make_app(home, today=lambda: TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        kind = app.screen.query_one("#kind-filter", Select)
        kind.value = "for_supervision"
        await settle(app, pilot)
        assert [item.id for item in view.items] == [ids["later"], ids["event"], ids["first"]]
        kind.value = "not_discussed"
        await settle(app, pilot)
        assert [item.id for item in view.items] == [ids["later"], ids["event"]]
        kind.value = "supervision"
        await settle(app, pilot)
        assert [item.kind for item in view.items] == ["supervision"]
        # More than a week away: the title bar does not mention it.
        assert "Supervision" not in str(app.screen.query_one("#title-bar", Static).visual)


async def test_a_supervision_entry_lists_its_items_and_actions(home: Path) -> None:
    ids = _marked_journal(home)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        supervision = journal.save(
            Supervision(
                id=new_id(),
                occurred_on="2026-11-30",
                supervisor_role="team lead",
                format="peer",
                items=[ids["later"], ids["first"]],
                notes=HOSTILE,
            )
        )
        journal.save(
            FollowUp(
                id=new_id(),
                due_on="2026-12-07",
                action="book the training",
                supervision_id=supervision.id,
            )
        )
    app = make_app(home, today=lambda: TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        await app.run_action(f"open_entry('{supervision.id}')")
        entry = await wait_for_screen(pilot, EntryScreen)
        await settle(app, pilot)
        shown = shown_text(entry)
        assert "Supervision · 2026-11-30" in shown
        assert "Peer" in shown and "team lead" in shown
        # In the order brought, each with its kind, date and summary.
        first = shown.index("When the call ran over")
        later = shown.index(HOSTILE_STORED)
        assert later < first
        assert "Reflection · Fri 20 Nov 2026" in shown
        assert "book the training" in shown
        assert app.is_running  # the notes' markup stayed words
        # e edits it: the form holds its values and items.
        await pilot.press("e")
        form = await wait_for_screen(pilot, SupervisionForm)
        await settle(app, pilot)
        assert isinstance(form, SupervisionForm)
        assert form.items == [ids["later"], ids["first"]]
        assert form.query_one("#supervisor_role").value == "team lead"  # type: ignore[attr-defined]
        assert "Edit supervision" in shown_text(form)


async def test_the_digest_starts_the_day_after_the_last_supervision(home: Path) -> None:
    _marked_journal(home)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(Supervision(id=new_id(), occurred_on="2026-11-21"))
    app = make_app(home, today=lambda: TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        await app.run_action("open_screen('digest')")
        digest = await wait_for_screen(pilot, DigestScreen)
        await settle(app, pilot)
        assert digest.query_one("#digest-since").value == "2026-11-22"  # type: ignore[attr-defined]
        assert "Since the last supervision (Sat 21 Nov 2026)." in shown_text(digest)
        # Another start date: the note about the default goes.
        since = digest.query_one("#digest-since", Input)
        since.value = "2026-11-01"
        since.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Since the last" not in shown_text(digest), "the note")


async def test_an_empty_prepare_screen_says_what_it_is_for(journal: Journal) -> None:
    from tests.tui.harness import OpeningHarness

    app = OpeningHarness(lambda: PrepareSupervisionScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Nothing is waiting for supervision" in shown_text(app.screen)
        await pilot.press("space")  # nothing to toggle: nothing happens
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.results == [None], "the screen to close")


def test_actions_are_one_per_line() -> None:
    assert action_lines("  one \n\n two  words\n   \n") == ["one", "two words"]
    assert action_lines("") == []


def test_the_next_supervision_is_said_within_a_week() -> None:
    today = date(2026, 12, 3)
    assert next_supervision_text(None, today) == ""
    assert next_supervision_text(today, today) == "Supervision today"
    assert next_supervision_text(today + timedelta(days=1), today) == "Supervision tomorrow"
    assert next_supervision_text(date(2026, 12, 10), today) == "Supervision on Thu 10 Dec"
    assert next_supervision_text(date(2026, 12, 11), today) == ""
    assert next_supervision_text(date(2026, 12, 2), today) == ""  # past: not said


async def test_items_for_supervision_after_recording(journal: Journal) -> None:
    """The screen relies on this: an item brought is no longer 'not yet discussed'."""
    marked = journal.save(
        Reflection(id=new_id(), occurred_on="2026-11-20", title="x", for_supervision=True)
    )
    from peerjournal.core.supervision import record_supervision

    record_supervision(
        journal,
        Supervision(id=new_id(), occurred_on="2026-11-30", items=[marked.id]),
        [],
        date(2026, 12, 7),
    )
    assert items_for_supervision(journal, discussed=False) == []


async def test_mood_and_stress_join_the_digest_only_when_asked(home: Path) -> None:
    from textual.widgets import Checkbox

    from peerjournal.core.models import CheckIn

    _marked_journal(home)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(CheckIn(id=new_id(), at="2026-11-24T20:00:00+00:00", mood=2, stress=4))
    app = make_app(home, today=lambda: TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        await pilot.press("p")
        await wait_for_screen(pilot, PrepareSupervisionScreen)
        await pilot.press("d")
        digest = await wait_for_screen(pilot, DigestScreen)
        await settle(app, pilot)
        switch = digest.query_one("#with-wellbeing", Checkbox)
        assert not switch.value
        assert "mood 2" not in shown_text(digest)
        switch.value = True
        await settle(app, pilot)
        await wait_until(pilot, lambda: "mood 2, stress 4" in shown_text(digest), "the means")
        # Another digest starts without them again.
        await pilot.press("escape")
        await wait_for_screen(pilot, PrepareSupervisionScreen)
        await pilot.press("d")
        again = await wait_for_screen(pilot, DigestScreen)
        await settle(app, pilot)
        assert not again.query_one("#with-wellbeing", Checkbox).value


async def test_a_supervision_today_starts_the_next_digest_today(home: Path) -> None:
    """The day after a supervision recorded today is tomorrow: the range starts today instead
    of after its end."""
    _marked_journal(home)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(Supervision(id=new_id(), occurred_on=TODAY.isoformat()))
    app = make_app(home, today=lambda: TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        await app.run_action("open_screen('digest')")
        digest = await wait_for_screen(pilot, DigestScreen)
        await settle(app, pilot)
        assert digest.query_one("#digest-since", Input).value == TODAY.isoformat()
        shown = shown_text(digest)
        assert "Since the last supervision (Thu 03 Dec 2026)." in shown
        assert "is after" not in shown

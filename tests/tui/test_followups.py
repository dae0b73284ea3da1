"""FollowUpsScreen and the FollowUpsDue panel: grouping, done, drop, undo, opening sessions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, FollowUp, Session, new_id
from peerjournal.tui.screens.followups import (
    FollowUpsDue,
    FollowUpsScreen,
    due_text,
    group_of,
)
from peerjournal.tui.widgets.timeline_view import friendly_when
from tests.tui.conftest import settle
from tests.tui.form_helpers import OpenFormApp, save_form, set_field, wait_for_screen, wait_until
from tests.tui.harness import HarnessApp, OpeningHarness

TODAY = date.today()
HOSTILE = "[@click=app.quit]x[/] [bold] [ \x1b]52;c;SGVsbG8=\x07"


@pytest.fixture
def river(journal: Journal) -> Alias:
    return journal.save(Alias(id=new_id(), pseudonym="River"))


def add_follow_up(
    journal: Journal,
    days: int,
    action: str,
    *,
    alias: Alias | None = None,
    session_id: str | None = None,
    status: str = "open",
) -> FollowUp:
    return journal.save(
        FollowUp(
            id=new_id(),
            alias_id=alias.id if alias else None,
            session_id=session_id,
            due_on=(TODAY + timedelta(days=days)).isoformat(),
            action=action,
            status=status,
        )
    )


def lines(listing: OptionList) -> list[str]:
    return [
        listing.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
        for i in range(listing.option_count)
    ]


def the_list(app: HarnessApp) -> OptionList:
    return app.screen.query_one("#follow-up-list", OptionList)


def highlight(listing: OptionList, follow_up: FollowUp) -> None:
    listing.highlighted = listing.get_option_index(follow_up.id)


def test_groups_and_due_text() -> None:
    today = date(2026, 11, 27)
    assert group_of(date(2026, 11, 26), today) == "Overdue"
    assert group_of(today, today) == "Today"
    assert group_of(date(2026, 12, 3), today) == "Next 7 days"
    assert group_of(date(2026, 12, 4), today) == "Next 7 days"  # a week today: due soon
    assert group_of(date(2026, 12, 5), today) == "Later"
    assert due_text(date(2026, 11, 24), today) == "3 days overdue"
    assert due_text(date(2026, 11, 26), today) == "1 day overdue"
    assert due_text(date(2026, 11, 28), today) == "tomorrow"
    assert due_text(date(2026, 12, 20), today) == "in 3 weeks"
    assert due_text(date(2027, 6, 1), today) == "2027-06-01"


async def test_open_follow_ups_are_grouped_with_their_alias(journal: Journal, river: Alias) -> None:
    add_follow_up(journal, 20, "Later thing", alias=river)
    add_follow_up(journal, -3, f"Overdue thing {HOSTILE}", alias=river)
    add_follow_up(journal, 0, "Today thing")
    add_follow_up(journal, 3, "This week thing", alias=river)
    add_follow_up(journal, -1, "Finished", status="done")
    add_follow_up(journal, -1, "Given up", status="dropped")
    app = HarnessApp(lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.id == "follow-ups"
        shown = lines(the_list(app))
        assert [line for line in shown if "(" in line and "thing" not in line] == [
            "Overdue (1)",
            "Today (1)",
            "Next 7 days (1)",
            "Later (1)",
        ]
        assert shown[1].startswith(friendly_when((TODAY - timedelta(days=3)).isoformat()))
        assert "3 days overdue" in shown[1]
        assert "River" in shown[1] and "[@click=app.quit]x[/] [bold] [" in shown[1]
        assert "\x1b" not in shown[1]
        assert "Today thing" in shown[3] and "River" not in shown[3]
        assert not any("Finished" in line or "Given up" in line for line in shown)
        # Headings cannot be selected: the cursor starts on the first follow-up.
        assert the_list(app).highlighted == 1
        status = str(app.screen.query_one("#follow-up-status", Static).content)
        assert status == "4 open, 1 overdue."
        assert app.is_running


async def test_mark_done_with_d_or_space_then_undo(journal: Journal, river: Alias) -> None:
    first = add_follow_up(journal, -1, "Call back", alias=river)
    second = add_follow_up(journal, 2, "Bring leaflet", alias=river)
    app = HarnessApp(lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        highlight(the_list(app), first)
        await pilot.press("d")
        await settle(app, pilot)
        done = journal.get(FollowUp, first.id)
        assert done.status == "done" and done.done_at
        assert datetime.fromisoformat(done.done_at).date() == TODAY
        assert not any("Call back" in line for line in lines(the_list(app)))
        # The cursor moves on to the next follow-up.
        assert the_list(app).highlighted_option is not None
        assert the_list(app).highlighted_option.id == second.id
        await pilot.press("space")
        await settle(app, pilot)
        assert journal.get(FollowUp, second.id).status == "done"
        assert journal.follow_ups(status="open") == []
        assert "Nothing open" in str(app.screen.query_one("#follow-up-status", Static).content)
        await pilot.press("u")
        await settle(app, pilot)
        restored = journal.get(FollowUp, second.id)
        assert restored.status == "open" and restored.done_at is None
        assert any("Bring leaflet" in line for line in lines(the_list(app)))


async def test_drop_with_x(journal: Journal, river: Alias) -> None:
    follow_up = add_follow_up(journal, 1, "Maybe later", alias=river)
    app = HarnessApp(lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        dropped = journal.get(FollowUp, follow_up.id)
        assert dropped.status == "dropped" and dropped.done_at is None
        assert the_list(app).option_count == 0


async def test_enter_opens_the_linked_session(journal: Journal, river: Alias) -> None:
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    session = journal.save(Session(id=new_id(), alias_id=river.id, occurred_at=when))
    linked = add_follow_up(journal, 0, "Linked", alias=river, session_id=session.id)
    unlinked = add_follow_up(journal, 1, "Unlinked", alias=river)
    app = OpeningHarness(lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        highlight(the_list(app), linked)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.opened == [session.id]
        highlight(the_list(app), unlinked)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.opened == [session.id]  # nothing to open; a notice says so


async def test_footer_shows_the_keys_and_escape_goes_back(journal: Journal) -> None:
    app = HarnessApp(lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = {b.binding.description for b in app.active_bindings.values() if b.binding.show}
        assert {"Done", "Drop", "Undo", "Back"} <= shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id != "follow-ups"


class PanelHost(Screen[None]):
    """Stands in for the timeline: a screen with the panel docked at its side."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="host")
        self.journal = journal

    def compose(self) -> ComposeResult:
        yield FollowUpsDue(self.journal, id="due")
        yield Footer()


async def test_due_panel_lists_overdue_and_the_next_seven_days(
    journal: Journal, river: Alias
) -> None:
    add_follow_up(journal, -2, f"Overdue {HOSTILE}", alias=river)
    add_follow_up(journal, 6, "Sixth day", alias=river)
    add_follow_up(journal, 7, "A week away", alias=river)  # today + 7: included
    add_follow_up(journal, 8, "Eight days away", alias=river)
    add_follow_up(journal, -1, "Done already", alias=river, status="done")
    app = HarnessApp(lambda: PanelHost(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#due", FollowUpsDue)
        shown = lines(panel)
        assert len(shown) == 3
        assert "2 days overdue" in shown[0] and "River" in shown[0]
        assert "[@click=app.quit]x[/] [bold] [" in shown[0]
        assert "Sixth day" in shown[1]
        assert "A week away" in shown[2]
        assert panel.border_title is not None and "1 overdue" in panel.border_title
        add_follow_up(journal, 0, "New today", alias=river)
        panel.reload()
        await settle(app, pilot)
        assert len(lines(panel)) == 4


async def test_due_panel_enter_opens_the_full_screen_then_reloads(
    journal: Journal, river: Alias
) -> None:
    add_follow_up(journal, -2, "First", alias=river)
    second = add_follow_up(journal, 1, "Second", alias=river)
    app = HarnessApp(lambda: PanelHost(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#due", FollowUpsDue)
        panel.focus()
        panel.highlighted = 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "follow-ups"
        option = the_list(app).highlighted_option
        assert option is not None and option.id == second.id
        await pilot.press("d", "escape")
        await settle(app, pilot)
        assert app.screen.id == "host"
        assert len(lines(panel)) == 1


async def test_due_panel_says_when_nothing_is_due(journal: Journal) -> None:
    app = HarnessApp(lambda: PanelHost(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#due", FollowUpsDue)
        assert lines(panel) == ["Nothing due in the next 7 days."]
        assert panel.border_title == "Due soon"


class FixedTodayHarness(HarnessApp):
    """Like the real app, it says what day it is (tests and snapshots fix it)."""

    @staticmethod
    def today() -> date:
        return date(2030, 1, 10)


async def test_the_panel_asks_the_app_what_day_it_is(journal: Journal, river: Alias) -> None:
    journal.save(FollowUp(id=new_id(), alias_id=river.id, due_on="2030-01-08", action="Ring"))
    journal.save(FollowUp(id=new_id(), alias_id=river.id, due_on="2030-01-20", action="Later"))
    app = FixedTodayHarness(lambda: PanelHost(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = lines(app.screen.query_one("#due", FollowUpsDue))
        assert len(shown) == 1 and shown[0].startswith("2 days overdue")


async def test_a_follow_up_due_a_week_today_is_due_soon(journal: Journal) -> None:
    add_follow_up(journal, 7, "The default: a week ahead")
    add_follow_up(journal, 8, "Not yet")
    app = HarnessApp(lambda: PanelHost(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = lines(app.screen.query_one("#due", FollowUpsDue))
        assert len(shown) == 1 and "The default: a week ahead" in shown[0]


async def test_new_edit_and_snooze_on_the_follow_ups_screen(journal: Journal, river: Alias) -> None:
    from peerjournal.tui.screens.follow_up_form import FollowUpForm

    app = OpenFormApp(journal, lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        form = await wait_for_screen(pilot, FollowUpForm)
        assert app.focused is form.query_one("#action")
        set_field(form, "action", "Ask about the letter")
        set_field(form, "alias", "River")
        await save_form(pilot, through_nudge=False)
        await wait_until(pilot, lambda: app.screen.id == "follow-ups", "the list")
        await settle(app, pilot)
        (made,) = journal.follow_ups(status="open")
        assert made.alias_id == river.id and made.session_id is None
        assert made.due_on == (date.today() + timedelta(days=7)).isoformat()
        assert any("Ask about the letter" in line for line in lines(the_list(app)))

        highlight(the_list(app), made)
        await pilot.press("e")
        form = await wait_for_screen(pilot, FollowUpForm)
        await settle(app, pilot)
        assert form.query_one("#alias").value == "River"
        set_field(form, "action", "Ask about the second letter")
        set_field(form, "owner", "both")
        set_field(form, "alias", "")
        await save_form(pilot, through_nudge=False)
        await wait_until(pilot, lambda: app.screen.id == "follow-ups", "the list")
        await settle(app, pilot)
        edited = journal.get(FollowUp, made.id)
        assert (edited.action, edited.owner, edited.alias_id) == (
            "Ask about the second letter",
            "both",
            None,
        )

        highlight(the_list(app), edited)
        await pilot.press("s")
        await settle(app, pilot)
        snoozed = journal.get(FollowUp, made.id)
        assert snoozed.due_on == (date.today() + timedelta(days=14)).isoformat()
        await pilot.press("u")
        await settle(app, pilot)
        assert journal.get(FollowUp, made.id).due_on == edited.due_on


async def test_editing_an_action_agreed_in_supervision_keeps_its_link(journal: Journal) -> None:
    from peerjournal.core.models import Supervision
    from peerjournal.core.supervision import agreed_actions, record_supervision
    from peerjournal.tui.screens.follow_up_form import FollowUpForm

    supervision = record_supervision(
        journal, Supervision(id=new_id(), occurred_on="2026-11-20"), ["Read the policy"], TODAY
    )
    (action,) = agreed_actions(journal, supervision.id)
    app = OpenFormApp(journal, lambda: FollowUpsScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        highlight(the_list(app), action)
        await pilot.press("e")
        form = await wait_for_screen(pilot, FollowUpForm)
        await settle(app, pilot)
        set_field(form, "action", "Read the lone-working policy")
        await save_form(pilot, through_nudge=False)
        await wait_until(pilot, lambda: app.screen.id == "follow-ups", "the list")
        await settle(app, pilot)
    assert [a.action for a in agreed_actions(journal, supervision.id)] == [
        "Read the lone-working policy"
    ]

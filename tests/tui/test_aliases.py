"""AliasesScreen: list, create (unique), edit every detail, close/reopen, and the selected
alias's work."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, FollowUp, Session, new_id
from peerjournal.tui.screens.alias_form import AliasForm
from peerjournal.tui.screens.aliases import ALIAS_REMINDER, AliasesScreen, AliasNameScreen
from peerjournal.tui.screens.dialogs import ConfirmScreen, NudgeScreen
from tests.tui.form_helpers import OpenFormApp, form_app, save_form, set_field, shown_text
from tests.tui.harness import HarnessApp, OpeningHarness
from tests.tui.pilot import settle, wait_for_notice, wait_for_screen, wait_until

HOSTILE = "[@click=app.quit]x[/] [bold] [ \x1b]52;c;SGVsbG8=\x07"


def add_alias(journal: Journal, pseudonym: str, **fields: Any) -> Alias:
    return journal.save(Alias(id=new_id(), pseudonym=pseudonym, **fields))


def add_session(journal: Journal, alias: Alias, goal: str, days: int) -> Session:
    when = (datetime.now().astimezone() - timedelta(days=days)).isoformat(timespec="seconds")
    return journal.save(Session(id=new_id(), alias_id=alias.id, occurred_at=when, goal_focus=goal))


def names(app: HarnessApp, list_id: str = "#alias-list") -> list[str]:
    listing = app.screen.query_one(list_id, OptionList)
    return [
        listing.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
        for i in range(listing.option_count)
    ]


def info(app: HarnessApp) -> str:
    return str(app.screen.query_one("#alias-info", Static).content)


async def open_screen(app: HarnessApp, pilot: Any) -> AliasesScreen:
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, AliasesScreen)
    return screen


async def test_lists_active_first_and_closed_dimmed(journal: Journal) -> None:
    add_alias(journal, "Wren")
    add_alias(journal, "Ash", status="closed")
    add_alias(journal, "River")
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        assert app.screen.id == "aliases"
        assert names(app) == ["River", "Wren", "Ash  closed"]
        listing = app.screen.query_one("#alias-list", OptionList)
        closed = listing.get_option_at_index(2).prompt
        assert any("dim" in str(span.style) for span in closed.spans)  # type: ignore[union-attr]


async def test_shows_the_selected_alias_details_sessions_and_follow_ups(
    journal: Journal,
) -> None:
    river = add_alias(
        journal,
        "River",
        knows_me_outside_work=True,
        limits_explained_on="2026-01-05",
        themes=["housing"],
        notes=HOSTILE,
    )
    older = add_session(journal, river, "Old goal", days=10)
    newer = add_session(journal, river, f"New goal {HOSTILE}", days=1)
    journal.save(
        FollowUp(
            id=new_id(),
            alias_id=river.id,
            session_id=newer.id,
            due_on=date.today().isoformat(),
            action="Call back",
        )
    )
    journal.save(
        FollowUp(
            id=new_id(),
            alias_id=river.id,
            due_on=date.today().isoformat(),
            action="Finished thing",
            status="done",
            done_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        )
    )
    app = OpeningHarness(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        text = info(app)
        assert "Knows me outside work" in text
        assert "explained on 2026-01-05" in text
        assert "housing" in text
        assert "[@click=app.quit]x[/] [bold] [" in text and "\x1b" not in text
        sessions = names(app, "#alias-sessions")
        assert len(sessions) == 2
        assert "New goal [@click=app.quit]x[/]" in sessions[0]  # newest first
        assert "Old goal" in sessions[1]
        follow_ups = names(app, "#alias-follow-ups")
        assert "Call back" in follow_ups[0] and "Finished thing" in follow_ups[1]
        # Enter on the alias moves into its sessions; Enter there opens one.
        await pilot.press("enter")
        assert app.focused is app.screen.query_one("#alias-sessions", OptionList)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.opened == [older.id]
        assert app.is_running


async def test_create_an_alias(journal: Journal) -> None:
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        assert "No aliases yet" in info(app)
        await pilot.press("n")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AliasNameScreen)
        assert ALIAS_REMINDER in [str(s.content) for s in dialog.query(Static)]
        await pilot.press(*"Robin", "enter")
        await settle(app, pilot)
        assert app.screen.id == "aliases"
        robin = journal.alias_by_pseudonym("Robin")
        assert robin is not None and robin.status == "active"
        assert names(app) == ["Robin"]
        assert "Active" in info(app)


async def test_a_new_alias_that_looks_like_a_real_name_is_nudged_once(journal: Journal) -> None:
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        dialog = app.screen
        await pilot.press(*"John Smith", "enter")
        nudge = await wait_for_screen(pilot, NudgeScreen)
        assert "a pseudonym keeps them safer if this laptop is lost" in shown_text(nudge)
        await pilot.press("escape")  # edit
        await wait_until(pilot, lambda: app.screen is dialog, "the name dialog")
        assert journal.alias_by_pseudonym("John Smith") is None
        await pilot.press("enter")
        await wait_for_screen(pilot, NudgeScreen)
        await pilot.press("s")  # save anyway: the supporter decides
        await wait_until(pilot, lambda: app.screen.id == "aliases", "the alias list")
        assert journal.alias_by_pseudonym("John Smith") is not None


async def test_a_new_alias_typed_in_a_session_is_checked_for_a_real_name(
    journal: Journal,
) -> None:
    app = form_app(journal, "session", known_aliases=["River"])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot.app, pilot)
        form = app.screen
        set_field(form, "alias", "John Smith")
        set_field(form, "goal_focus", "John Smith wants a flat")  # the alias, in the notes
        await pilot.press("ctrl+s")
        nudge = await wait_for_screen(pilot, NudgeScreen)
        assert "New alias: This looks like a real name" in shown_text(nudge)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form, "the form")
        set_field(form, "alias", "River")
        set_field(form, "goal_focus", "River wants a flat")
        await save_form(pilot, through_nudge=False)


async def test_markup_in_a_pseudonym_is_kept_literally(journal: Journal) -> None:
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        app.screen.query_one("#alias-name", Input).value = "[@click=app.quit]x[/]"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        assert names(app) == ["[@click=app.quit]x[/]"]
        assert journal.alias_by_pseudonym("[@click=app.quit]x[/]") is not None


async def test_duplicate_and_empty_names_show_the_message_and_keep_the_dialog(
    journal: Journal,
) -> None:
    add_alias(journal, "River")
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AliasNameScreen)
        assert dialog.error_text == "Type a pseudonym first."
        await pilot.press(*"river", "enter")  # unique regardless of case
        await settle(app, pilot)
        assert app.screen is dialog
        assert dialog.error_text == "An alias with that pseudonym already exists."
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "aliases"
        assert [a.pseudonym for a in journal.list_aliases()] == ["River"]


async def test_edit_every_detail_with_e(journal: Journal) -> None:
    river = add_alias(journal, "River", themes=["housing"])
    add_alias(journal, "Sky")
    app = OpenFormApp(journal, lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, AliasForm)
        assert form.query_one("#pseudonym", Input).value == "River"
        assert form.query_one("#themes", Input).value == "housing"
        form.query_one("#pseudonym", Input).value = "Brook"
        form.query_one("#themes", Input).value = "housing, #Grief"
        form.query_one("#limits_explained_on", Input).value = "2026-03-02"
        form.query_one("#knows_me_outside_work", Checkbox).value = True
        form.query_one("#consent_note", TextArea).text = "Agreed to notes by pseudonym."
        form.query_one("#notes", TextArea).text = HOSTILE
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AliasesScreen)
        saved = journal.get(Alias, river.id)
        assert (saved.pseudonym, saved.themes, saved.limits_explained_on) == (
            "Brook",
            ["housing", "grief"],
            "2026-03-02",
        )
        assert saved.knows_me_outside_work
        assert saved.consent_note == "Agreed to notes by pseudonym."
        assert saved.status == "active" and saved.created_at == river.created_at
        assert names(app) == ["Brook", "Sky"]  # the list and the details follow
        shown = info(app)
        assert "Knows me outside work" in shown and "explained on 2026-03-02" in shown
        assert "[@click=app.quit]x[/]" in shown  # markup in notes stays words


async def test_the_alias_form_says_what_is_wrong_and_keeps_the_text(journal: Journal) -> None:
    river = add_alias(journal, "River")
    add_alias(journal, "Sky")
    app = OpenFormApp(journal, lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, AliasForm)
        form.query_one("#limits_explained_on", Input).value = "2026-13-40"
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "type a date like 2026-11-20")
        assert app.screen is form
        form.query_one("#limits_explained_on", Input).value = ""
        form.query_one("#pseudonym", Input).value = "SKY"  # taken (case does not matter)
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "An alias with that pseudonym already exists.")
        assert app.screen is form
        assert form.query_one("#pseudonym", Input).value == "SKY"
        assert journal.get(Alias, river.id).pseudonym == "River"
        await pilot.press("escape")  # unsaved changes: asks first
        await pilot.pause()  # the leave worker waits for the answer: no settle here
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.screen is form


async def test_close_and_reopen_after_confirming(journal: Journal) -> None:
    river = add_alias(journal, "River")
    add_alias(journal, "Sky")
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("x")
        await pilot.pause()  # the close worker waits for the answer: no settle here
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # cancel: nothing changes
        await settle(app, pilot)
        assert journal.get(Alias, river.id).status == "active"
        await pilot.press("x")
        await pilot.pause()  # the close worker waits for the answer: no settle here
        await pilot.press("y")
        await settle(app, pilot)
        assert journal.get(Alias, river.id).status == "closed"
        assert names(app) == ["Sky", "River  closed"]
        listing = app.screen.query_one("#alias-list", OptionList)
        assert listing.highlighted_option is not None
        assert listing.highlighted_option.id == river.id  # still on River
        assert "Closed" in info(app)
        await pilot.press("x")
        await pilot.pause()  # the close worker waits for the answer: no settle here
        await pilot.press("y")
        await settle(app, pilot)
        assert journal.get(Alias, river.id).status == "active"
        assert names(app) == ["River", "Sky"]


async def test_escape_goes_back_and_footer_shows_keys(journal: Journal) -> None:
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        shown = {b.binding.description for b in app.active_bindings.values() if b.binding.show}
        assert {"New alias", "Edit details", "Close/reopen", "Back"} <= shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id != "aliases"


async def test_the_alias_page_lists_every_kind_that_belongs_to_it(journal: Journal) -> None:
    from peerjournal.core.models import ConfidentialityEvent, Reflection

    river = add_alias(journal, "River")
    session = add_session(journal, river, "Housing", days=3)
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on=(date.today() - timedelta(days=2)).isoformat(),
            session_id=session.id,
            title="How it went",
        )
    )
    journal.save(
        ConfidentialityEvent(
            id=new_id(),
            alias_id=river.id,
            at=(datetime.now().astimezone() - timedelta(days=1)).isoformat(timespec="seconds"),
            category="risk_to_self",
            disclosed_minimum="told the GP",
        )
    )
    app = OpeningHarness(lambda: AliasesScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_screen(app, pilot)
        entries = names(app, "#alias-sessions")
        assert len(entries) == 2
        assert "Reflection" in entries[0] and "How it went" in entries[0]
        assert "Housing" in entries[1]
        title = app.screen.query_one("#alias-sessions", OptionList).border_title
        assert str(title) == "Entries (1 session, 1 other)"
        (event,) = names(app, "#alias-events")  # events have a list of their own
        assert "told the GP" in event


async def test_deleting_an_alias_says_what_happens_to_its_entries_and_does_it(
    journal: Journal,
) -> None:
    """Issue 16: one with no entries goes; one with entries leaves them, marked "alias
    deleted 1", after a question that says so."""
    river = add_alias(journal, "River")
    session = add_session(journal, river, "Housing", days=1)
    add_alias(journal, "Wren")
    app = HarnessApp(lambda: AliasesScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        assert names(app) == ["River", "Wren"]
        await pilot.press("down", "delete")
        await wait_for_screen(pilot, ConfirmScreen)
        assert "no entries" in str(app.screen.query_one(".dialog-text", Static).render())
        await pilot.press("y")
        await wait_until(pilot, lambda: names(app) == ["River"], "Wren to go")
        await pilot.press("delete")
        await wait_for_screen(pilot, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-text", Static).render())
        assert "1 entry stays, marked “alias deleted”" in question
        await pilot.press("n")  # "Keep it"
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "no dialog")
        assert names(app) == ["River"]
        await pilot.press("delete")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_notice(pilot, "River deleted. Their 1 entry now shows “alias deleted 1”")
        await wait_until(pilot, lambda: names(app) == [], "River to leave the list")
    assert journal.list_aliases() == []
    assert journal.get(Session, session.id).alias_id == river.id
    assert journal.alias_names()[river.id] == "alias deleted 1"

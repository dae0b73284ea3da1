"""SearchScreen: results as you type, highlighted literally, stale searches never win."""

from __future__ import annotations

import contextlib
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.worker import WorkerCancelled

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, Session, new_id
from peerjournal.tui.screens.search import MATCH_STYLE, SearchScreen, as_you_type
from tests.tui.harness import HarnessApp, OpeningHarness
from tests.tui.pilot import settle

HOSTILE = "[@click=app.quit]quit[/] [bold]bold [ lone \x1b]52;c;SGVsbG8=\x07 end"


def add_session(journal: Journal, notes: str, *, alias_id: str | None = None, days: int = 1) -> str:
    when = (datetime.now().astimezone() - timedelta(days=days)).isoformat(timespec="seconds")
    session = Session(id=new_id(), occurred_at=when, notes=notes, alias_id=alias_id)
    return journal.save(session).id


def results(app: HarnessApp) -> OptionList:
    return app.screen.query_one("#search-results", OptionList)


def status(app: HarnessApp) -> str:
    return str(app.screen.query_one("#search-status", Static).content)


def prompts(app: HarnessApp) -> list[Content]:
    listing = results(app)
    return [
        listing.get_option_at_index(i).prompt  # type: ignore[misc]
        for i in range(listing.option_count)
    ]


async def settle_after_cancel(app: HarnessApp, pilot: Any) -> None:
    """Like settle, for when a worker was cancelled on purpose (its wait() raises)."""
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def type_query(app: HarnessApp, pilot: Any, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause(0.3)  # the debounce
    await settle(app, pilot)


async def test_results_as_you_type_with_literal_highlighted_snippets(journal: Journal) -> None:
    alias = journal.save(Alias(id=new_id(), pseudonym="River"))
    entry_id = add_session(journal, f"Talked about the damp flat. {HOSTILE}", alias_id=alias.id)
    add_session(journal, "Nothing to see here.")
    app = OpeningHarness(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        assert app.screen.id == "search"
        assert "Type to search" in status(app)
        await type_query(app, pilot, "damp")
        assert app.is_running and app.screen.id == "search"
        (prompt,) = prompts(app)
        assert isinstance(prompt, Content)
        assert "River" in prompt.plain and "Session" in prompt.plain
        # Markup stays words; the escape sequence was stripped on the way in.
        assert "[@click=app.quit]quit[/] [bold]bold [ lone" in prompt.plain
        assert "\x1b" not in prompt.plain and "\x07" not in prompt.plain
        matched = [prompt.plain[s.start : s.end] for s in prompt.spans if s.style == MATCH_STYLE]
        assert matched == ["damp"]
        assert status(app) == "1 match."
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.opened == [entry_id]


async def test_markup_in_the_query_is_searched_not_parsed(journal: Journal) -> None:
    add_session(journal, HOSTILE)
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "[@click=app.quit]quit[/]")
        assert app.is_running
        assert results(app).option_count == 1
        assert "[@click=app.quit]" in prompts(app)[0].plain


async def test_enter_pushes_the_entry_screen(journal: Journal) -> None:
    pytest.importorskip("peerjournal.tui.screens.entry")
    add_session(journal, "The damp is back.")
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "damp")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "entry"


async def test_typing_quickly_searches_once_for_the_final_text(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_session(journal, "a word on its own")
    ab_id = add_session(journal, "ab exercises at the gym")
    queries: list[str] = []
    real_search = journal.search

    def recording_search(text: str, **kwargs: Any) -> Any:
        queries.append(text)
        return real_search(text, **kwargs)

    monkeypatch.setattr(journal, "search", recording_search)
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "ab")
        assert queries == ["ab*"]  # once, for the final text (the word being typed: a prefix)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert [hit.id for hit in screen.hits] == [ab_id]


async def test_a_slow_stale_search_never_overwrites_a_newer_one(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_session(journal, "a word on its own")
    ab_id = add_session(journal, "ab exercises at the gym")
    real_search = journal.search

    def slow_for_short_queries(text: str, **kwargs: Any) -> Any:
        if text == "a":
            time.sleep(0.3)  # the older search finishes last
        return real_search(text, **kwargs)

    monkeypatch.setattr(journal, "search", slow_for_short_queries)
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.run_search("a")
        await pilot.pause()
        screen.run_search("ab")
        await pilot.pause(0.5)  # the stale search's thread has finished by now
        await settle_after_cancel(app, pilot)
        assert [hit.id for hit in screen.hits] == [ab_id]
        assert results(app).option_count == 1
        assert "ab" in prompts(app)[0].plain


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(damp flat, 2)",
        '"unclosed',
        "notes:damp",
        "damp AND OR NOT",
        "*",
        "(",
        ")",
        "^damp",
        "d*mp -flat +x",
        "[bold]",
        "[",
        "'; DROP TABLE sessions; --",
    ],
)
async def test_fts_syntax_in_the_query_never_errors(journal: Journal, query: str) -> None:
    add_session(journal, "The damp flat again.")
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#search-input", Input).value = query
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert app.is_running and app.screen.id == "search"
        assert not status(app).startswith("Search failed")
        assert status(app) in (
            "No matches.",
            "1 match.",
            "No whole-word matches yet: keep typing.",  # an unfinished phrase or letter
        ) or status(app).startswith("Type")
        assert journal.search("damp")  # the journal is intact


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("hous", "hous*"),  # the word being typed may be unfinished
        ("ho", "ho*"),
        ("h", "h"),  # one letter is not worth a prefix search
        ("housing ", "housing "),  # a space finishes the word
        ("recov*", "recov*"),
        ('"safety pl', '"safety pl'),  # inside an open phrase
        ('"safety plan" ri', '"safety plan" ri*'),
        ("évic", "évic*"),
        ("", ""),
    ],
)
def test_the_word_being_typed_counts_as_a_beginning(typed: str, searched: str) -> None:
    assert as_you_type(typed) == searched


async def test_an_unfinished_word_finds_matches_while_typing(journal: Journal) -> None:
    add_session(journal, "Talked about the housing office.")
    add_session(journal, "A house move, at last.")
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "hous")
        assert status(app) == "2 matches."
        await type_query(app, pilot, "ing")
        assert status(app) == "1 match."
        await type_query(app, pilot, " x")  # "housing" is finished; "x" is one letter
        assert status(app) == "No whole-word matches yet: keep typing."
        await type_query(app, pilot, " ")  # "x" is a whole word now: nothing has it
        assert status(app) == "No matches."


async def test_empty_query_shows_the_hint_and_no_matches_says_so(journal: Journal) -> None:
    add_session(journal, "The damp flat again.")
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "zebra")
        assert status(app) == "No matches."
        assert results(app).option_count == 0
        await type_query(app, pilot, "")
        app.screen.query_one("#search-input", Input).value = ""
        await settle(app, pilot)
        assert status(app).startswith("Type to search")


async def test_up_and_down_move_through_results_from_the_input(journal: Journal) -> None:
    first = add_session(journal, "damp damp damp in the bedroom", days=1)
    second = add_session(journal, "a little damp", days=2)
    app = OpeningHarness(lambda: SearchScreen(journal))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "damp")
        assert results(app).option_count == 2
        assert results(app).highlighted == 0
        await pilot.press("down")
        assert results(app).highlighted == 1
        assert isinstance(app.focused, Input)  # still typing
        await pilot.press("up")
        assert results(app).highlighted == 0
        await pilot.press("down", "enter")
        await settle(app, pilot)
        opened = app.opened
        assert len(opened) == 1 and opened[0] in (first, second)
        assert opened[0] == results(app).get_option_at_index(1).id


async def test_escape_goes_back(journal: Journal) -> None:
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id != "search"
        assert app.results == [None]


async def test_footer_names_the_keys(journal: Journal) -> None:
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = {b.binding.description for b in app.active_bindings.values() if b.binding.show}
        assert {"Open", "Results", "Back"} <= shown


class EntryStandIn(Screen[None]):
    """A full screen standing in for the entry view."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]


class PushingHarness(HarnessApp):
    async def open_entry(self, entry_id: str) -> None:
        await self.push_screen(EntryStandIn(id="entry"))


async def test_results_are_refreshed_after_returning_from_an_entry(journal: Journal) -> None:
    entry_id = add_session(journal, "The damp flat again.")
    app = PushingHarness(lambda: SearchScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "damp")
        assert status(app) == "1 match."
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "entry"
        journal.delete(Session, entry_id)  # as the entry view's delete would
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "search"
        assert status(app) == "No matches."
        assert results(app).option_count == 0


async def test_an_alias_finds_its_entries_and_a_tag_its_entries(journal: Journal) -> None:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    add_session(journal, "Talked about a job.", alias_id=river.id)
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    journal.save(Session(id=new_id(), occurred_at=when, notes="Rent arrears.", tags=["housing"]))
    app = HarnessApp(lambda: SearchScreen(journal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "river")
        assert status(app) == "1 match."
        app.screen.query_one("#search-input", Input).value = ""
        await type_query(app, pilot, "hous")
        assert status(app) == "1 match."

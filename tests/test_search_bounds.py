"""Search is bounded, and never keeps the journal from locking.

2,000 repeats of one word used to become 2,000 FTS5 terms (172 s, quadratic); a search that
long held the journal's lock, so the app's idle lock waited behind it. These tests assert on
the work a search is given (its terms) and on events between threads, never on timings; the
timeouts are only guards so that a regression fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from pathlib import Path

import pytest

from peerjournal.core import journal as journal_module
from peerjournal.core.errors import SearchCancelled
from peerjournal.core.journal import (
    MAX_SEARCH_CHARS,
    MAX_SEARCH_TERMS,
    Journal,
    fts_query,
    parse_query,
)
from peerjournal.core.models import Session, new_id, now_iso
from tests.clirun import run_cli
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app, unlock
from tests.tui.pilot import settle

GUARD_SECONDS = 30.0


def test_repeated_words_become_one_term() -> None:
    query = parse_query("word " * 2000)
    assert query.terms == ('"word"',)
    assert not query.capped and query.notice is None
    assert fts_query("River river RIVER rIvEr") == '"River"'
    assert fts_query('"a phrase" "A Phrase" pre* pre* pre') == '"a phrase" "pre"* "pre"'


def test_the_number_of_terms_and_the_length_are_capped_and_said() -> None:
    many = " ".join(f"word{i}" for i in range(MAX_SEARCH_TERMS * 3))
    query = parse_query(many)
    assert len(query.terms) == MAX_SEARCH_TERMS
    assert query.terms[:2] == ('"word0"', '"word1"')  # the first ones typed are kept
    assert query.capped and query.notice and str(MAX_SEARCH_TERMS) in query.notice
    long = "abcdefghij " * 200 + "zebra"  # over 2,000 characters, "zebra" past the cut
    assert parse_query(long).capped and parse_query(long).terms == ('"abcdefghij"',)
    # The cut falls on a space: the last word kept is whole, not a prefix of itself.
    words = " ".join(f"w{i:04d}" for i in range(60)) + " " + "x" * MAX_SEARCH_CHARS
    assert parse_query(words).terms[-1] == '"w0059"'
    assert not parse_query("x" * MAX_SEARCH_CHARS).capped


def test_a_search_of_2000_repeats_asks_fts5_for_one_term(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="a word about housing"))
    queries: list[str] = []
    real_search = Journal._search

    def recording(self: Journal, text: str, query: str, limit: int) -> object:
        queries.append(query)
        return real_search(self, text, query, limit)

    # Matching the words against pseudonyms and tags costs a query or two per word: each
    # word once there too.
    named: list[str] = []
    real_entries_named = Journal._entries_named

    def recording_named(self: Journal, word: str, *args: object) -> object:
        named.append(word)
        return real_entries_named(self, word, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Journal, "_search", recording)
    monkeypatch.setattr(Journal, "_entries_named", recording_named)
    hits = journal.search("housing " * 2000)
    assert len(hits) == 1
    assert queries == ['"housing"']
    assert named == ["housing"]


def test_the_cli_says_when_a_search_was_cut(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    many = " ".join(f"word{i}" for i in range(100))
    result = run_cli(capsys, "--home", str(home), "search", many)
    assert result.code == 0
    assert f"Only the first {MAX_SEARCH_TERMS} different words" in result.err


def fill_searchable(journal: Journal, count: int = 40) -> None:
    with journal.transaction():
        for i in range(count):
            journal.save(Session(id=new_id(), occurred_at=now_iso(), notes=f"housing note {i}"))


def never_ending_search(
    monkeypatch: pytest.MonkeyPatch, started: threading.Event, steps: int = 5
) -> None:
    """Make every search one that ends only when it is stopped: once SQLite's progress handler
    runs (the query is under way), it keeps answering "go on" until the journal says stop."""
    monkeypatch.setattr(journal_module, "SEARCH_PROGRESS_STEPS", steps)
    real_progress = Journal._search_progress

    def progress(self: Journal, epoch: int) -> int:
        started.set()
        deadline = time.monotonic() + GUARD_SECONDS
        while not real_progress(self, epoch):
            if time.monotonic() > deadline:
                return 0  # the guard: a regression finishes the search rather than hang
            time.sleep(0.001)
        return 1

    monkeypatch.setattr(Journal, "_search_progress", progress)


def search_into(journal: Journal, outcome: list[object]) -> None:
    """Search for "housing"; append the hits, or the SearchCancelled that stopped it."""
    try:
        outcome.append(journal.search("housing"))
    except SearchCancelled as error:
        outcome.append(error)


def test_lock_interrupts_a_running_search_and_returns(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_searchable(journal)
    started = threading.Event()
    never_ending_search(monkeypatch, started)
    outcome: list[object] = []
    worker = threading.Thread(target=search_into, args=(journal, outcome))
    worker.start()
    assert started.wait(GUARD_SECONDS), "the search never ran its query"
    journal.lock()  # must not wait for the search to finish on its own
    worker.join(GUARD_SECONDS)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)
    assert not journal.is_unlocked
    # After unlocking, searching works again (the stop was for that search only).
    journal.unlock(PASSPHRASE)
    monkeypatch.undo()
    assert len(journal.search("housing")) == 40


def test_cancel_searches_stops_only_the_running_one(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_searchable(journal)
    journal.lock()
    journal.unlock(PASSPHRASE)  # a fresh connection: the search stops while FTS5 sets up
    started = threading.Event()
    never_ending_search(monkeypatch, started)
    outcome: list[object] = []
    worker = threading.Thread(target=search_into, args=(journal, outcome))
    worker.start()
    assert started.wait(GUARD_SECONDS)
    journal.cancel_searches()
    worker.join(GUARD_SECONDS)
    assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)
    monkeypatch.undo()
    assert len(journal.search("housing")) == 40  # the next search runs normally
    assert journal.is_unlocked


def test_close_stops_a_running_search_too(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_searchable(journal)
    started = threading.Event()
    never_ending_search(monkeypatch, started)
    outcome: list[object] = []
    worker = threading.Thread(target=search_into, args=(journal, outcome))
    worker.start()
    assert started.wait(GUARD_SECONDS)
    journal.close()  # quitting the app must not wait for a search either
    worker.join(GUARD_SECONDS)
    assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)
    assert not journal.is_unlocked


async def test_the_idle_lock_happens_while_a_long_search_runs(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill_searchable(journal)
    now = [1000.0]
    app = make_app(home, idle_seconds=60, clock=lambda: now[0])
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        assert app.journal is not None
        started = threading.Event()
        never_ending_search(monkeypatch, started)
        outcome: list[object] = []
        search = functools.partial(search_into, app.journal, outcome)
        app.run_worker(search, thread=True, group="journal")
        # Wait off the event loop, which must stay free to run the worker (and the app).
        assert await asyncio.to_thread(started.wait, GUARD_SECONDS)
        now[0] += 61
        app._check_idle()
        await settle(app, pilot)
        assert app.screen.id == "unlock"
        assert not app.journal.is_unlocked
        assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)

"""SearchScreen: full-text search as you type, with highlighted snippets.

Typing restarts a short debounce timer; when it fires, the query runs in a thread worker, with
the word being typed taken as the start of a word (`as_you_type`).
The search worker is exclusive and numbered, so a slow, stale search can never overwrite the
results of a newer one. Results are bounded (the best 50), so an OptionList is enough.

Every piece of user text (snippets, titles, aliases) is built into `Content` from plain
strings: matches are styled spans, never markup, so `[@click=...]` in a note stays words.

This module also holds `EntryListScreen`, the base of the screens that list entries.
"""

from __future__ import annotations

import re

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from peerjournal.core.changes import JournalChange
from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal, SearchHit, parse_query
from peerjournal.core.sanitize import sanitize_line, sanitize_text
from peerjournal.tui.calls import call
from peerjournal.tui.host import watch_journal
from peerjournal.tui.messages import OpenEntry
from peerjournal.tui.widgets.timeline_view import friendly_when

MATCH_STYLE = "bold reverse"
HINT = (
    "Type to search the whole journal: what you wrote, aliases and tags (an alias's or a "
    "tag's entries come first). Every word must appear, and the one you are typing may be "
    'unfinished; "quotes" find a phrase; word* finds words that start with it.'
)
# The word being typed counts as the start of a word from this many letters: "hous" finds
# "housing" at once. A single letter would be a costly and useless prefix (70-120 ms at 100k
# entries, against 3-7 ms from two letters on, measured).
AS_YOU_TYPE_PREFIX_LETTERS = 2
_LAST_WORD = re.compile(r"(\w+)$", re.UNICODE)


def as_you_type(text: str) -> str:
    """What to search for while `text` is being typed: its last word as a prefix, unless it is
    finished (a space after it), a single letter, already a prefix, or inside a "phrase"."""
    last = _LAST_WORD.search(text)
    if last is None or len(last.group(1)) < AS_YOU_TYPE_PREFIX_LETTERS or text.count('"') % 2:
        return text
    return text + "*"


class EntryListScreen(Screen[None]):
    """A screen listing entries: it opens one with the OpenEntry message and shows the list
    again (`reload`) whenever the journal changed (an opened entry edited or deleted, a form
    saved, an undo), whoever changed it.
    """

    def on_mount(self) -> None:
        # Textual runs every class's on_mount: a subclass's own does not replace this one.
        watch_journal(self, self._journal_changed)

    def _journal_changed(self, change: JournalChange) -> None:
        self.reload()

    def reload(self) -> object:
        """Fetch the list again and show it."""
        raise NotImplementedError

    def open_entry(self, entry_id: str) -> None:
        self.app.post_message(OpenEntry(entry_id))


def _inline(text: str) -> str:
    """A snippet part on one line, its own spaces kept (they separate it from the match)."""
    return sanitize_text(text).replace("\n", " ").replace("\t", " ")


def hit_content(hit: SearchHit) -> Content:
    """Two lines for one hit: kind, date, alias and title; then the highlighted snippet."""
    title = sanitize_line(hit.title)
    header: list[str | tuple[str, str]] = [
        (hit.label, "bold"),
        "  ",
        (friendly_when(hit.when), "dim"),
    ]
    if hit.alias:
        header += ["  ", (sanitize_line(hit.alias), "bold")]
    if title:
        header += [" · ", title]
    snippet: list[str | tuple[str, str]] = [
        (_inline(text), MATCH_STYLE) if is_match else _inline(text)
        for text, is_match in hit.snippet
    ]
    return Content.assemble(*header, "\n", *snippet)


class QueryInput(Input):
    """The search box: up and down move through the results, Enter opens one."""

    BINDINGS = [
        Binding("enter", "submit", "Open"),
        # Input scrolls on up/down; here they move the highlight in the results instead.
        Binding("down", "screen.move(1)", "Results", key_display="↑↓"),
        Binding("up", "screen.move(-1)", "Previous result", show=False),
    ]


class SearchScreen(EntryListScreen):
    """Search every entry; Enter opens the highlighted result."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_query", "Edit search", show=False),
    ]

    DEBOUNCE_SECONDS = 0.25
    LIMIT = 50

    def __init__(self, journal: Journal, *, query: str = "") -> None:
        super().__init__(id="search")
        self.journal = journal
        self._initial_query = query
        self._debounce: Timer | None = None
        self._serial = 0  # number of the newest search; older ones drop their results
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield Static("Search", classes="form-title")
        yield QueryInput(
            value=self._initial_query,
            placeholder="Search your journal",
            id="search-input",
            max_length=500,
        )
        yield Static(Content(HINT), id="search-status")
        yield OptionList(id="search-results", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        if self._initial_query:
            self.run_search(self._initial_query)

    def reload(self) -> object:
        return self.run_search(self.query_text)

    @property
    def query_text(self) -> str:
        return self.query_one("#search-input", Input).value

    # ---- searching

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        if not event.value.strip():
            self._serial += 1  # anything still running is now stale
            self._show_hint()
            return
        self._debounce = self.set_timer(
            self.DEBOUNCE_SECONDS, lambda: self.run_search(self.query_text)
        )

    @work(exclusive=True, group="search")
    async def run_search(self, query: str) -> None:
        """Search for `query` and show the results, unless a newer search has started."""
        self._serial += 1
        serial = self._serial
        if not query.strip():
            self._show_hint()
            return
        try:
            hits = await call(self, self.journal.search, as_you_type(query), limit=self.LIMIT)
        except JournalError as error:
            if serial == self._serial:
                self._set_status(f"Search failed: {error.message}")
            return
        if serial != self._serial:
            return  # a newer search owns the list now
        self._show_hits(hits, query, parse_query(query).notice)

    def _show_hint(self) -> None:
        self.hits = []
        self.query_one("#search-results", OptionList).clear_options()
        self._set_status(HINT)

    def _set_status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Content(text))

    def _show_hits(self, hits: list[SearchHit], query: str = "", notice: str | None = None) -> None:
        self.hits = hits
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options(Option(hit_content(hit), id=hit.id) for hit in hits)
        if hits:
            results.highlighted = 0
        if not hits and as_you_type(query) == query and _LAST_WORD.search(query):
            # The word being typed is too short to count as the start of a word yet.
            status = "No whole-word matches yet: keep typing."
        elif not hits:
            status = "No matches."
        elif len(hits) >= self.LIMIT:
            status = f"The best {len(hits)} matches. Add words to narrow it down."
        else:
            status = f"{len(hits)} match{'es' if len(hits) != 1 else ''}."
        self._set_status(f"{status} {notice}" if notice else status)

    # ---- moving and opening

    def action_move(self, step: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if step > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    def action_focus_query(self) -> None:
        self.query_one("#search-input", Input).focus()

    @on(Input.Submitted, "#search-input")
    async def _query_submitted(self, event: Input.Submitted) -> None:
        await self.action_open()

    @on(OptionList.OptionSelected, "#search-results")
    async def _result_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_entry(event.option.id)

    async def action_open(self) -> None:
        """Open the highlighted result."""
        results = self.query_one("#search-results", OptionList)
        option = results.highlighted_option
        if option is not None and option.id:
            self.open_entry(option.id)

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["EntryListScreen", "SearchScreen", "hit_content"]

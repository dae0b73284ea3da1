"""DigestScreen: the de-identified supervision digest, shown large to read out or show.

A read-only view of `core.digest.supervision_digest` for a date range (two date fields,
the last 30 days by default; Enter in either shows that range). Aliases become Person A, B,
...; likely identifiers are redacted by the core, and the screen says so at the top.

Nothing is written to disk from here: there is no save button, the digest lives in memory
only. The Markdown is shown as plain text with its headings styled by hand, not with
Textual's Markdown widget: that widget opens a clicked link with `app.open_url` (a link in a
note would reach for the network), and it reads the text as Markdown, not as written. Every
character of the digest reaches the screen as literal content.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from peerjournal.core.digest import SupervisionDigest, supervision_digest
from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.privacy import sanitize_text
from peerjournal.tui.calls import call
from peerjournal.tui.screens.followups import today_for

DEFAULT_DAYS = 30
NOTICE = (
    "De-identified: aliases become Person A, B…; likely identifiers are redacted. "
    "Read it over before you share it."
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_HEADING_STYLES = {1: "bold underline $text-accent", 2: "bold $text-accent", 3: "bold"}


class DateProblem(ValueError):
    """A date field holds something that is not a date; the message names the field."""


def parse_day(text: str, label: str) -> date | None:
    """Blank is no limit; otherwise a date like 2026-11-20."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateProblem(f"{label}: enter a date like 2026-11-20, or leave it blank.") from None


def digest_content(text: str) -> Content:
    """The digest's Markdown as literal text; only our own heading marks become styles."""
    parts: list[str | tuple[str, str]] = []
    for line in sanitize_text(text).split("\n"):
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            parts.append((heading.group(2), _HEADING_STYLES.get(level, "bold")))
        else:
            parts.append(line)
        parts.append("\n")
    return Content.assemble(*parts[:-1])


def summary_text(digest: SupervisionDigest) -> str:
    def count(number: int, one: str, many: str) -> str:
        return f"{number} {one if number == 1 else many}"

    return (
        f"{count(digest.reflections, 'reflection', 'reflections')}, "
        f"{count(digest.sessions, 'linked session', 'linked sessions')}, "
        f"{count(len(digest.people), 'person', 'people')}; "
        f"{count(digest.redactions, 'likely identifier', 'likely identifiers')} redacted."
    )


class DigestScreen(Screen[None]):
    """The supervision digest for a date range, read-only; escape goes back."""

    DEFAULT_CSS = """
    DigestScreen #digest-notice {
        height: auto;
        padding: 0 1;
        color: $warning;
        text-style: bold;
    }
    DigestScreen #digest-range {
        height: 1;
        margin: 1 0;
        padding: 0 1;
    }
    DigestScreen #digest-range Static {
        width: auto;
        margin-right: 1;
        color: $text-muted;
    }
    DigestScreen #digest-range Input {
        width: 12;
        margin-right: 1;
    }
    DigestScreen #digest-summary {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    DigestScreen #digest-summary.-error {
        color: $error;
    }
    DigestScreen #digest-body {
        height: 1fr;
        margin: 0 1;
        border: round $primary 40%;
        background: $surface;
    }
    DigestScreen #digest-body:focus {
        border: round $primary;
    }
    DigestScreen #digest-text {
        padding: 1 2;
        max-width: 100;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="digest")
        self.journal = journal
        self.digest: SupervisionDigest | None = None

    def compose(self) -> ComposeResult:
        today = today_for(self)
        yield Static("Supervision digest", classes="form-title")
        yield Static(NOTICE, id="digest-notice")
        with Horizontal(id="digest-range"):
            yield Static("From")
            since = (today - timedelta(days=DEFAULT_DAYS)).isoformat()
            yield Input(
                since, id="digest-since", placeholder="any date", max_length=10, compact=True
            )
            yield Static("to")
            yield Input(
                today.isoformat(),
                id="digest-until",
                placeholder="any date",
                max_length=10,
                compact=True,
            )
            yield Static("  (Enter shows it)")
        yield Static("", id="digest-summary")
        with VerticalScroll(id="digest-body"):
            yield Static("", id="digest-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#digest-since", Input).focus()
        self.show_digest()

    @on(Input.Submitted)
    def _range_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.show_digest()

    def _say(self, message: str, *, error: bool = False) -> None:
        summary = self.query_one("#digest-summary", Static)
        summary.update(Content(message))
        summary.set_class(error, "-error")

    @work(exclusive=True, group="digest")
    async def show_digest(self) -> None:
        """Build the digest for the range on screen (in memory) and show it."""
        try:
            since = parse_day(self.query_one("#digest-since", Input).value, "From")
            until = parse_day(self.query_one("#digest-until", Input).value, "To")
        except DateProblem as problem:
            self._say(str(problem), error=True)
            return
        if since and until and since > until:
            self._say("The first date is after the second.", error=True)
            return
        try:
            digest = await call(self, supervision_digest, self.journal, since, until)
        except JournalError as error:
            self._say(error.message, error=True)
            return
        self.digest = digest
        self._say(summary_text(digest))
        self.query_one("#digest-text", Static).update(digest_content(digest.text))
        self.query_one("#digest-body", VerticalScroll).scroll_home(animate=False)

    def action_page(self, direction: int) -> None:
        body = self.query_one("#digest-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["NOTICE", "DigestScreen", "digest_content", "parse_day", "summary_text"]

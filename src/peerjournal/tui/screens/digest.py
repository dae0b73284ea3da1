"""DigestScreen: prepare the de-identified supervision digest, review it, then present or save.

1. **Prepare**: a date range (since the last supervision by default: the day after it, or the
   whole journal when none is recorded; Enter in either field rebuilds it), three switches for
   what is left out by default (their words, the setting, exact dates), with the one-line
   reason each is off (`core.digest.LEFT_OUT`), and the opt-in for weekly mood and stress in
   the summary that opens the digest (off every time the screen opens).
2. **Review**: every candidate the core lists (a capitalised word that stayed, a number, a
   quoted phrase) with its context. Space or Enter marks one keep or redact; the digest below
   is rebuilt at once, so the supporter sees the result. ctrl+r says the review is done.
3. Only then: `f` presents it full screen (to read out or show), `s` saves it to a file, after
   asking where and after the plaintext warning (0600, never replacing a file unasked).

The digest lives in memory; the only file is the one the supporter asks for. The Markdown is
shown as plain text with our own headings styled by hand, not with Textual's Markdown widget:
that widget opens a clicked link with `app.open_url`, and it reads the text as Markdown, not as
written. Every character of the digest reaches the screen as literal content.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from peerjournal.core.deidentify import Candidate
from peerjournal.core.digest import LEFT_OUT, DigestOptions, SupervisionDigest, supervision_digest
from peerjournal.core.errors import JournalError
from peerjournal.core.exchange import leftovers_message, write_private_file
from peerjournal.core.journal import Journal
from peerjournal.core.printable import printable
from peerjournal.core.sanitize import sanitize_line, sanitize_text
from peerjournal.core.supervision import digest_default_since
from peerjournal.tui.calls import call
from peerjournal.tui.files import TargetProblem, check_target, target_path
from peerjournal.tui.host import today_for
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.dialogs import plaintext_consent
from peerjournal.tui.widgets.result_line import ResultLine

NOTICE = "People, places, contacts and numbers are removed. Review before it leaves."
REVIEW_FIRST = "Review the candidates first, then press ctrl+r (done reviewing)."
_SWITCHES = {"their_words": "Their words", "setting": "Setting", "exact_dates": "Exact dates"}
# The opt-in for this digest only (off each time the screen opens), on a line of its own.
_WELLBEING_SWITCH = {"wellbeing": "Add my weekly mood & stress"}
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


def since_note(since: date | None) -> str:
    """What the default range is, in words (`since`: the day after the last supervision)."""
    if since is None:
        return "No supervision yet: the whole journal."
    last = since - timedelta(days=1)
    return f"Since the last supervision ({last.strftime('%a %d %b %Y')})."


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def summary_text(digest: SupervisionDigest) -> str:
    return (
        f"{_count(digest.reflections, 'reflection', 'reflections')}, "
        f"{_count(digest.sessions, 'linked session', 'linked sessions')}, "
        f"{_count(len(digest.people), 'name', 'names')}; "
        f"{_count(digest.redactions, 'identifier', 'identifiers')} redacted."
    )


def left_out_text(options: DigestOptions) -> str:
    """What the digest leaves out now, and why, one line each (mood and stress are not said:
    the switch that adds them is right there, and they are out unless it is on)."""
    lines = [
        f"Left out: {what}: {why}."
        for name, (what, why, _) in LEFT_OUT.items()
        if not getattr(options, name) and name not in _WELLBEING_SWITCH
    ]
    return "\n".join(lines) if lines else "Nothing is left out: read it through carefully."


def _key(candidate: Candidate) -> tuple[str, str]:
    return candidate.kind, candidate.word.casefold()


def candidate_content(candidate: Candidate, redact: bool) -> Content:
    """One candidate: its decision, the word and where it appears (all user text literal)."""
    mark = ("redact", "bold $error") if redact else ("keep  ", "bold $success")
    times = f" ×{candidate.count}" if candidate.count > 1 else ""
    return Content.assemble(
        mark,
        "  ",
        (sanitize_line(candidate.word), "bold"),
        (times, "dim"),
        "  ",
        (sanitize_line(candidate.context), "dim"),
    )


class SavePathScreen(ModalScreen[str | None]):
    """Ask where to save the digest; dismisses with the typed path, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: str) -> None:
        super().__init__(classes="dialog-screen")
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save the digest to a file (readable by you only):", classes="dialog-text")
            yield Input(self._default, id="save-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    @on(Button.Pressed, "#next")
    def _next(self) -> None:
        self.dismiss(self.query_one("#save-path", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class _PagedScreen(Screen[None]):
    """PageUp/PageDown scroll the screen's body (`PAGE_BODY`) wherever the focus is."""

    PAGE_BODY = ""  # the selector of the VerticalScroll to page
    BINDINGS = [
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    def action_page(self, direction: int) -> None:
        body = self.query_one(self.PAGE_BODY, VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()


class DigestPresentScreen(_PagedScreen):
    """The reviewed digest, full screen, to read out or show; escape goes back."""

    PAGE_BODY = "#present-body"

    BINDINGS = [
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__(id="digest-present")
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="present-body"):
            yield Static(digest_content(self._text), id="present-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#present-body").focus()

    def action_back(self) -> None:
        self.dismiss(None)


class DigestScreen(_PagedScreen):
    """Prepare, review, then present or save the supervision digest; escape goes back."""

    PAGE_BODY = "#digest-body"

    BINDINGS = [
        Binding("space", "toggle_candidate", "Keep/redact"),
        Binding("ctrl+r", "reviewed", "Done reviewing"),
        Binding("f", "present", "Full screen"),
        Binding("s", "save", "Save…"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal, *, set_aside: frozenset[str] = frozenset()) -> None:
        """`set_aside`: ids set to "not this time" on the Prepare screen, left out."""
        super().__init__(id="digest")
        self.journal = journal
        self.digest: SupervisionDigest | None = None
        self.options = DigestOptions(set_aside=set_aside)
        self.redact: dict[tuple[str, str], bool] = {}  # the review's decisions
        self.listed: list[Candidate] = []  # what the review shows, in order
        self.reviewed = False
        self._default_since: str | None = None  # the From date it started with
        self._default_note = ""  # ... and what it is, in words

    def compose(self) -> ComposeResult:
        today = today_for(self)
        yield Static("Supervision digest", classes="form-title")
        yield Static(NOTICE, id="digest-notice", markup=False)
        with Horizontal(id="digest-range"):
            yield Static("From")
            # Filled in on mount: the day after the last supervision (or blank: any date).
            yield Input(id="digest-since", placeholder="any date", max_length=10, compact=True)
            yield Static("to")
            yield Input(
                today.isoformat(),
                id="digest-until",
                placeholder="any date",
                max_length=10,
                compact=True,
            )
            for name, label in _SWITCHES.items():
                yield Checkbox(label, id=f"with-{name}", compact=True)
        with Horizontal(id="digest-since-row"):
            yield Static("", id="digest-since-note", markup=False)
            for name, label in _WELLBEING_SWITCH.items():
                yield Checkbox(label, id=f"with-{name}", compact=True)
        yield Static(left_out_text(self.options), id="digest-left-out", markup=False)
        yield ResultLine(id="digest-summary")
        yield OptionList(id="digest-candidates", markup=False)
        with VerticalScroll(id="digest-body"):
            yield Static("", id="digest-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#digest-candidates", OptionList).border_title = "Review"
        self.query_one("#digest-body", VerticalScroll).border_title = "The digest"
        self.query_one("#digest-since", Input).focus()
        self.start_range()

    @work(exclusive=True, group="digest-range")
    async def start_range(self) -> None:
        """Start from the day after the last supervision (the whole journal when none), then
        build the digest."""
        try:
            since = await call(self, digest_default_since, self.journal)
        except JournalError as error:
            self._say(error.message, error=True)
            return
        self._default_note = since_note(since)
        if since is not None:
            # A supervision recorded today: its day after is tomorrow, and a range cannot
            # start after it ends. Today is the nearest there is.
            since = min(since, today_for(self))
        self._default_since = since.isoformat() if since else ""
        self.query_one("#digest-since", Input).value = self._default_since
        self.show_digest()

    # ---- preparing

    @on(Input.Submitted)
    def _range_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reviewed = False
        self.show_digest()

    @on(Checkbox.Changed)
    def _switch_changed(self, event: Checkbox.Changed) -> None:
        name = (event.checkbox.id or "").removeprefix("with-")
        if name in _SWITCHES or name in _WELLBEING_SWITCH:
            changes: dict[str, Any] = {name: event.value}
            self.options = replace(self.options, **changes)
            self.query_one("#digest-left-out", Static).update(left_out_text(self.options))
            self.reviewed = False
            self.show_digest()

    def _say(self, message: str, *, error: bool = False) -> None:
        self.query_one("#digest-summary", ResultLine).say(message, error=error)

    @work(exclusive=True, group="digest")
    async def show_digest(self) -> None:
        """Build the digest for the range and choices on screen (in memory) and show it."""
        typed = self.query_one("#digest-since", Input).value
        # The note says what the default range is, while the range is the default.
        note = self._default_note if typed == self._default_since else ""
        shown = self.query_one("#digest-since-note", Static)
        shown.update(note)
        shown.display = bool(note)
        try:
            since = parse_day(typed, "From")
            until = parse_day(self.query_one("#digest-until", Input).value, "To")
        except DateProblem as problem:
            self._say(str(problem), error=True)
            return
        if since and until and since > until:
            self._say("The first date is after the second.", error=True)
            return
        redact = tuple(word for (kind, word), yes in self.redact.items() if yes)
        options = replace(self.options, redact=redact)
        try:
            digest = await call(
                self,
                supervision_digest,
                self.journal,
                since,
                until,
                options,
                today=today_for(self),
            )
        except JournalError as error:
            self._say(error.message, error=True)
            return
        self.digest = digest
        self._list_candidates(digest)
        self._say(summary_text(digest) + " " + self._review_state())
        self.query_one("#digest-text", Static).update(digest_content(digest.text))

    def _list_candidates(self, digest: SupervisionDigest) -> None:
        """The new candidates, plus those marked redact (which the digest no longer holds), in
        a stable order: what was listed stays where it was, new ones come last."""
        fresh = {_key(c): c for c in digest.candidates}
        listed: list[Candidate] = []
        for candidate in self.listed:
            key = _key(candidate)
            if key in fresh:
                listed.append(fresh.pop(key))
            elif self.redact.get(key):
                listed.append(candidate)
        self.listed = listed + list(fresh.values())
        listing = self.query_one("#digest-candidates", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        if not self.listed:
            listing.add_option(Option(Content("Nothing left to review."), disabled=True))
        listing.add_options(
            Option(candidate_content(c, self.redact.get(_key(c), False)), id=str(i))
            for i, c in enumerate(self.listed)
        )
        if self.listed:
            listing.highlighted = min(highlighted or 0, len(self.listed) - 1)
        listing.border_title = (
            f"Review: {_count(len(self.listed), 'candidate', 'candidates')} (space: keep/redact)"
        )

    def _review_state(self) -> str:
        if self.reviewed:
            return "Reviewed: f full screen, s save."
        return "Review, then ctrl+r."

    # ---- reviewing

    @on(OptionList.OptionSelected, "#digest-candidates")
    def _candidate_selected(self) -> None:
        self.action_toggle_candidate()

    def action_toggle_candidate(self) -> None:
        listing = self.query_one("#digest-candidates", OptionList)
        option = listing.highlighted_option
        if option is None or option.id is None:
            return
        candidate = self.listed[int(option.id)]
        key = _key(candidate)
        self.redact[key] = not self.redact.get(key, False)
        self.reviewed = False
        self.show_digest()

    def action_reviewed(self) -> None:
        if self.digest is None:
            return
        self.reviewed = True
        self._say(summary_text(self.digest) + " " + self._review_state())

    # ---- after the review

    def action_present(self) -> None:
        if self.digest is None or not self.reviewed:
            self.notify(REVIEW_FIRST, markup=False)
            return
        self.app.push_screen(DigestPresentScreen(self.digest.text))

    @work(exclusive=True, group="digest-save")
    async def action_save(self) -> None:
        """Ask where, warn, and only on an explicit yes write the digest (0600)."""
        if self.digest is None or not self.reviewed:
            self.notify(REVIEW_FIRST, markup=False)
            return
        text = self.digest.text
        default = f"~/supervision-digest-{today_for(self).isoformat()}.md"
        typed = await self.app.push_screen_wait(SavePathScreen(default))
        if typed is None:
            return
        try:
            path = target_path(typed, "digest")
            exists = await call(self, check_target, path, self.journal.home)
        except TargetProblem as problem:
            notify_error(self, problem)
            return
        if not await self.app.push_screen_wait(plaintext_consent(path, exists, verb="Save")):
            self.notify("Nothing was saved.", markup=False)
            return
        try:
            removed = await call(self, write_private_file, path, text.encode(), overwrite=exists)
        except (JournalError, OSError) as error:
            notify_error(self, error, title="Not saved", what="The digest")
            return
        said = (
            f"Saved the digest to {printable(path)} (readable by you only). Delete it after "
            "supervision."
        )
        if removed:
            said += "\n" + leftovers_message(removed, path.parent)
        self.notify(said, markup=False, timeout=8)

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = [
    "NOTICE",
    "REVIEW_FIRST",
    "DigestPresentScreen",
    "DigestScreen",
    "SavePathScreen",
    "candidate_content",
    "digest_content",
    "left_out_text",
    "parse_day",
    "summary_text",
]

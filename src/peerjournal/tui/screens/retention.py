"""RetentionScreen: the retention periods, exactly what they would purge, and the purge itself.

The periods (closed aliases' records after N months, any entry after N months; blank is off)
are saved with `core.retention.set_retention`. The screen then lists what `plan_retention`
says would go today, grouped by reason, with counts per kind. "Purge N entries permanently"
asks first (danger, Cancel focused) and then deletes exactly the listed plan with
`core.retention.purge`; nothing is ever purged without that explicit yes.

While the periods on screen differ from the saved ones the purge button is off, so the list
shown is always the list purged. Journal calls run in thread workers; user text in the list
is shown as plain content, never as markup.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.retention import (
    MAX_MONTHS,
    NotCompacted,
    PurgeItem,
    RetentionPlan,
    RetentionSettings,
    plan_retention,
    purge,
    retention_settings,
    set_retention,
)
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.calls import call
from peerjournal.tui.files import describe_counts, entries_text
from peerjournal.tui.host import today_for
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.widgets.result_line import ResultLine
from peerjournal.tui.widgets.timeline_view import friendly_when

MAX_SHOWN = 1000  # listed one by one; the counts (and the purge) always cover the whole plan
PREVIEW_CHARS = 70
SAVE_HINT = "Save (ctrl+s) to see what these periods would purge; until then, no purge."


class MonthsProblem(ValueError):
    """A period on screen is not a number of months; the message names the field."""


def parse_months(text: str, label: str) -> int | None:
    """Blank is off (None); otherwise a whole number of months from 1 to MAX_MONTHS."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise MonthsProblem(f"{label}: enter months from 1 to {MAX_MONTHS}, or leave it blank.")
    return int(text)


def settings_text(settings: RetentionSettings) -> str:
    def period(months: int | None) -> str:
        return "off" if months is None else f"after {months} month{'s' if months != 1 else ''}"

    return (
        f"Now: records of closed aliases {period(settings.closed_alias_months)}; "
        f"any entry {period(settings.entry_months)}."
    )


def item_content(item: PurgeItem) -> Content:
    """Two lines for one planned purge: date, kind, title and alias; then a preview."""
    title = sanitize_line(item.title)
    parts: list[str | tuple[str, str]] = [
        f"{friendly_when(item.when[:10])}  ",
        (item.label, "bold"),
    ]
    if title:
        parts.append(f" · {title}")
    if item.alias:
        parts += ["  ", (sanitize_line(item.alias), "bold $text-accent")]
    preview = sanitize_line(item.preview)
    if preview:
        if len(preview) > PREVIEW_CHARS:
            preview = preview[: PREVIEW_CHARS - 1] + "…"
        parts += ["\n", (f"  {preview}", "dim")]
    return Content.assemble(*parts)


def plan_options(plan: RetentionPlan) -> list[Option]:
    """The plan as list options: a heading per reason, then its items (up to MAX_SHOWN)."""
    options: list[Option] = []
    reason: str | None = None
    for item in plan.items[:MAX_SHOWN]:
        if item.reason != reason:
            reason = item.reason
            options.append(Option(Content(f"Because {sanitize_line(reason)}:"), disabled=True))
        options.append(Option(item_content(item), id=item.id))
    hidden = len(plan.items) - MAX_SHOWN
    if hidden > 0:
        options.append(
            Option(
                Content(
                    f"…and {hidden} more, not listed here but counted above and purged with "
                    "the rest. `peerjournal purge --dry-run` lists them all."
                ),
                disabled=True,
            )
        )
    return options


def plan_status(plan: RetentionPlan) -> str:
    if not plan.settings.enabled:
        return "Retention is off: set a period above to see what it would purge."
    if plan.empty:
        return "Nothing to purge."
    return (
        f"{entries_text(len(plan.items))} would be purged today: {describe_counts(plan.counts())}."
    )


class RetentionScreen(Screen[None]):
    """Retention periods, the exact purge plan, and a purge that asks first."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save periods", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="retention")
        self.journal = journal
        self.saved: RetentionSettings | None = None
        self.plan: RetentionPlan | None = None
        self._purging = False
        self._hinting = False  # the result line says "save to see"

    def compose(self) -> ComposeResult:
        yield Static("Retention & purge", classes="form-title")
        yield Static(
            "Keep only what you still need. Blank means keep for good. Purging is permanent; "
            "backups made earlier still hold what was purged.",
            classes="hint form-body",
        )
        with Vertical(id="retention-fields"):
            with Horizontal(classes="retention-row"):
                yield from _months_field("Records of closed aliases after", "retention-closed")
            with Horizontal(classes="retention-row"):
                yield from _months_field("Any entry after", "retention-entries")
                yield Button("Save", id="retention-save", compact=True)
        yield Static("", id="retention-current", classes="hint")
        yield ResultLine(id="retention-result")
        yield Static("Loading…", id="retention-status")
        yield OptionList(id="purge-list", markup=False)
        with Horizontal(id="purge-actions"):
            yield Button("Nothing to purge", id="purge", variant="error", disabled=True)
            yield LoadingIndicator(id="purge-busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#retention-closed", Input).focus()
        self.reload()

    # ---- reading

    def read(self) -> RetentionSettings:
        """The periods on screen; raises MonthsProblem naming the first bad one."""
        return RetentionSettings(
            parse_months(self.query_one("#retention-closed", Input).value, "Closed aliases"),
            parse_months(self.query_one("#retention-entries", Input).value, "Entries"),
        )

    @property
    def is_dirty(self) -> bool:
        try:
            return self.saved is not None and self.read() != self.saved
        except MonthsProblem:
            return True

    def _say(self, message: str, *, error: bool = False) -> None:
        self._hinting = message == SAVE_HINT
        self.query_one("#retention-result", ResultLine).say(message, error=error)

    # ---- loading and showing

    @work(exclusive=True, group="retention-load")
    async def reload(self, *, fill_fields: bool = True) -> None:
        """Read the saved periods and plan what they would purge today."""
        try:
            settings = await call(self, retention_settings, self.journal)
            plan = await call(self, plan_retention, self.journal, settings, today=today_for(self))
        except JournalError as error:
            self._say(error.message, error=True)
            return
        self.saved = settings
        if fill_fields:
            self.query_one("#retention-closed", Input).value = _text(settings.closed_alias_months)
            self.query_one("#retention-entries", Input).value = _text(settings.entry_months)
        self.query_one("#retention-current", Static).update(Content(settings_text(settings)))
        self._show_plan(plan)

    def _show_plan(self, plan: RetentionPlan) -> None:
        self.plan = plan
        listing = self.query_one("#purge-list", OptionList)
        listing.clear_options()
        listing.add_options(plan_options(plan))
        listing.display = not plan.empty
        self.query_one("#retention-status", Static).update(Content(plan_status(plan)))
        self._update_purge_button()

    def _update_purge_button(self) -> None:
        button = self.query_one("#purge", Button)
        count = len(self.plan.items) if self.plan is not None else 0
        button.label = f"Purge {entries_text(count)} permanently" if count else "Nothing to purge"
        button.refresh(layout=True)  # the label's width changes
        button.disabled = self._purging or not count or self.is_dirty
        button.tooltip = (
            "Save the periods first: the list shows the saved ones."
            if (count and self.is_dirty)
            else None
        )

    @on(Input.Changed)
    def _periods_changed(self) -> None:
        self._update_purge_button()
        dirty = self.is_dirty
        if dirty != self._hinting:
            self._hinting = dirty
            self._say(SAVE_HINT if dirty else "")

    # ---- saving

    @on(Input.Submitted)
    @on(Button.Pressed, "#retention-save")
    def _save_requested(self) -> None:
        self.action_save()

    @work(exclusive=True, group="retention-save")
    async def action_save(self) -> None:
        try:
            settings = self.read()
        except MonthsProblem as problem:
            self._say(str(problem), error=True)
            return
        try:
            await call(self, set_retention, self.journal, settings)
        except JournalError as error:
            self._say(error.message, error=True)
            return
        self._say("Saved.")
        self.reload(fill_fields=False)

    # ---- purging

    @on(Button.Pressed, "#purge")
    def _purge_pressed(self) -> None:
        self.purge_planned()

    @work(group="retention-purge")
    async def purge_planned(self) -> None:
        """Ask, naming the counts; only on an explicit yes delete exactly the shown plan."""
        plan = self.plan
        if plan is None or plan.empty or self._purging or self.is_dirty:
            return
        total = entries_text(len(plan.items))
        if not await self.app.push_screen_wait(
            ConfirmScreen(
                f"Purge {total} permanently? {describe_counts(plan.counts())}.\n\n"
                "They cannot be brought back from this journal. Backups made earlier still "
                "hold them.",
                yes="Purge permanently",
                no="Cancel",
                danger=True,
            )
        ):
            self._say("Nothing was purged.")
            return
        self._set_purging(True)
        self._say("Purging…")
        try:
            deleted = await call(self, purge, self.journal, plan.items)
        except JournalError as error:
            self._say(error.message, error=True)
            if isinstance(error, NotCompacted):  # the purge itself went through
                self.reload(fill_fields=False)
            return
        finally:
            self._set_purging(False)
        self._say(
            f"Purged {entries_text(sum(deleted.values()))}: {describe_counts(deleted)}."
            if deleted
            else "Purged nothing: those entries were already gone."
        )
        self.reload(fill_fields=False)

    def _set_purging(self, purging: bool) -> None:
        self._purging = purging
        try:
            self.query_one("#purge-busy", LoadingIndicator).set_class(purging, "-busy")
            self._update_purge_button()
        except NoMatches:
            pass  # the screen was closed (the app locked) while purging

    # ---- leaving

    @work(exclusive=True, group="retention-leave")
    async def action_back(self) -> None:
        if self._purging:
            self.notify("Wait a moment: the purge is still running.", markup=False, timeout=3)
            return
        if self.is_dirty and not await self.app.push_screen_wait(
            ConfirmScreen(
                "Leave without saving the periods? Your changes will be lost.",
                yes="Discard",
                no="Keep editing",
                danger=True,
            )
        ):
            return
        self.dismiss(None)


def _months_field(label: str, field_id: str) -> ComposeResult:
    yield Static(label, classes="retention-label")
    yield Input(id=field_id, type="integer", max_length=4, placeholder="off", compact=True)
    yield Static("months", classes="retention-unit")


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


__all__ = ["MAX_SHOWN", "RetentionScreen", "parse_months", "plan_status", "settings_text"]

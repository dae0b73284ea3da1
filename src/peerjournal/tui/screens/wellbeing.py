"""WellbeingScreen ("My wellbeing"): how I have been, and what the work has asked of me.

Reflects back what the supporter wrote, week by week, for the last 4, 12 or 52 weeks
(`p` or the tabs): weekly means of mood, energy and stress drawn as bars on a fixed 1-5
scale beside this week's numbers, check-ins per week, the workload of the same weeks (with
the debriefs and the mean activation, 0 to 10, noted in them), the self-care notes most often
written, and a table with every week's numbers. When the sustained-strain rule holds
(core/wellbeing.py), one calm line points to supervision, the person's own supports and their
employer's assistance programme; Settings can turn it off, and the "On this day" panel too.
No streaks, badges or scores: nothing here is a verdict.

The summary comes from `core.wellbeing.wellbeing_summary` (SQL sums over indexes) in a
thread worker; the screen runs no SQL. Self-care notes are the person's own words and reach
the screen as literal text.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, Tab, Tabs

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.sanitize import sanitize_line
from peerjournal.core.wellbeing import (
    PERIODS,
    WeekSummary,
    WellbeingSummary,
    sparkline,
    wellbeing_summary,
)
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for
from peerjournal.tui.widgets.timeline_view import friendly_when

DEFAULT_PERIOD = 12
LABEL_WIDTH = 11
COLUMNS = (
    ("Week of", "week"),
    ("Check-ins", "checkins"),
    ("Mood", "mood"),
    ("Energy", "energy"),
    ("Stress", "stress"),
    ("Sessions", "sessions"),
    ("Hours", "hours"),
    ("1:1", "individual"),
    ("Group", "group"),
    ("Flagged", "flagged"),
    ("Confid.", "confidentiality"),
    ("My story", "story"),
    ("Debriefs", "debriefs"),  # how many, and in brackets their mean activation (0-10)
)


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def trend_lines(weeks: list[WeekSummary]) -> Content:
    """Mood, energy, stress (1-5) and check-ins per week, each with this week's number."""
    this_week = weeks[-1]
    rows = [
        ("mood", sparkline([w.mood for w in weeks], 1, 5), _number(this_week.mood)),
        ("energy", sparkline([w.energy for w in weeks], 1, 5), _number(this_week.energy)),
        ("stress", sparkline([w.stress for w in weeks], 1, 5), _number(this_week.stress)),
        (
            "check-ins",
            sparkline([w.checkins for w in weeks], 0, max(w.checkins for w in weeks) or 1),
            str(this_week.checkins),
        ),
    ]
    return _lines(rows, "this week")


def work_lines(weeks: list[WeekSummary]) -> Content:
    """Sessions and hours per week, then the period's totals in words."""
    this_week = weeks[-1]
    top_sessions = max(w.sessions for w in weeks) or 1
    top_hours = max(w.hours for w in weeks) or 1.0
    rows = [
        (
            "sessions",
            sparkline([w.sessions for w in weeks], 0, top_sessions),
            str(this_week.sessions),
        ),
        ("hours", sparkline([w.hours for w in weeks], 0, top_hours), f"{this_week.hours:.2f}"),
        # How activated I was in the week's debriefs, 0 to 10 (· = no debrief that week).
        (
            "activation",
            sparkline([w.activation for w in weeks], 0, 10),
            _number(this_week.activation),
        ),
    ]
    sessions = sum(w.sessions for w in weeks)
    totals = (
        f"In these {len(weeks)} weeks: {_plural(sessions, 'session')} "
        f"({sum(w.individual_sessions for w in weeks)} one-to-one, "
        f"{sum(w.group_sessions for w in weeks)} group), "
        f"{sum(w.hours for w in weeks):.1f} hours; "
        f"{_plural(sum(w.flagged_sessions for w in weeks), 'flagged session')}, "
        f"{_plural(sum(w.confidentiality_events for w in weeks), 'confidentiality event')}; "
        f"shared my story {_plural(sum(w.shared_my_story for w in weeks), 'time')}; "
        f"{_plural(sum(w.debriefs for w in weeks), 'debrief')}"
        f"{_activation_words(weeks)}."
    )
    return Content.assemble(_lines(rows, "this week"), "\n", (totals, "$text-muted"))


def _activation_words(weeks: list[WeekSummary]) -> str:
    """The range of the weekly mean activation, or nothing when no debrief noted one."""
    noted = [w.activation for w in weeks if w.activation is not None]
    if not noted:
        return ""
    return (
        f" (how activated I was, 0 to 10: weekly means from {min(noted):g} to {max(noted):g}; "
        "in brackets in the table)"
    )


def debriefs_cell(week: WeekSummary) -> str:
    """The table's debriefs of a week: "2 (6.5)", the mean activation in brackets."""
    if week.activation is None:
        return str(week.debriefs)
    return f"{week.debriefs} ({week.activation:.1f})"


def _lines(rows: list[tuple[str, str, str]], caption: str) -> Content:
    parts: list[str | tuple[str, str] | Content] = []
    for index, (label, line, value) in enumerate(rows):
        if index:
            parts.append("\n")
        parts.append((f"{label:<{LABEL_WIDTH}}", "$text-muted"))
        parts.append((line, "$text-accent"))
        parts.append(f"  {value:>5}")
        if index == 0:
            parts.append((f"  {caption}", "$text-muted"))
    return Content.assemble(*parts)


def self_care_text(summary: WellbeingSummary) -> Content:
    if not summary.self_care:
        return Content.styled("No self-care notes in these weeks.", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    for index, note in enumerate(summary.self_care):
        if index:
            parts.append("\n")
        parts.append(sanitize_line(note.text))  # the person's own words, literally
        if note.count > 1:
            parts.append((f"  ×{note.count}", "$text-muted"))
    return Content.assemble(*parts)


def on_this_day_text(summary: WellbeingSummary) -> Content:
    if not summary.on_this_day:  # None (turned off) hides the panel instead
        return Content.styled("Nothing written on this day last year.", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    for index, item in enumerate(summary.on_this_day):
        if index:
            parts.append("\n")
        if "T" in item.when:  # a date and time: the time of day (the date is the heading)
            parts.append((friendly_when(item.when).rsplit(" ", 1)[-1] + " ", "$text-muted"))
        # No kind column here: the label goes in front ("Session · in person, 50 min").
        parts.append(f"{item.label} · {sanitize_line(item.title)}")
        if item.alias:
            parts.append((" · " + sanitize_line(item.alias), "$text-accent"))
    return Content.assemble(*parts)


class WellbeingScreen(Screen[None]):
    """My wellbeing: trends and workload for 4, 12 or 52 weeks; escape goes back."""

    AUTO_FOCUS = "#wellbeing-body"  # arrows and PgUp/PgDn scroll; tab reaches the table

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("p", "next_period", "Period"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="wellbeing")
        self.journal = journal
        self.weeks = DEFAULT_PERIOD
        self.summary: WellbeingSummary | None = None

    def compose(self) -> ComposeResult:
        yield Static("My wellbeing", classes="form-title")
        yield Tabs(
            *(Tab(f"{weeks} weeks", id=f"weeks-{weeks}") for weeks in PERIODS),
            active=f"weeks-{DEFAULT_PERIOD}",
        )
        with VerticalScroll(id="wellbeing-body"):
            yield Static("", id="wellbeing-notice")
            with Horizontal(id="wellbeing-top"):
                with Vertical(id="wellbeing-trends"):
                    yield Static(
                        "How I have been (weekly means, 1 to 5)", classes="wellbeing-heading"
                    )
                    yield Static("Loading…", id="wellbeing-trend", classes="wellbeing-text")
                    yield Static("What the work asked of me", classes="wellbeing-heading")
                    yield Static("", id="wellbeing-work", classes="wellbeing-text")
                with Vertical(id="wellbeing-side"):
                    yield Static("What I did for myself", classes="wellbeing-heading")
                    yield Static("", id="wellbeing-self-care", classes="wellbeing-text")
                    with Vertical(id="on-this-day-panel", classes="wellbeing-text"):
                        yield Static(
                            "On this day last year",
                            id="on-this-day-heading",
                            classes="wellbeing-heading",
                        )
                        yield Static("", id="wellbeing-on-this-day", classes="wellbeing-text")
            yield DataTable(id="wellbeing-weeks", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in COLUMNS:
            # Fixed widths: the table never re-lays itself out when its rows arrive.
            width = len("23 Nov 2026") if key == "week" else max(len(label), len("99.99"))
            table.add_column(label, key=key, width=width)
        self.load()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "narrow")

    # ---- loading

    @on(Tabs.TabActivated)
    def _period_chosen(self, event: Tabs.TabActivated) -> None:
        weeks = int(str(event.tab.id).removeprefix("weeks-"))
        if weeks != self.weeks:
            self.weeks = weeks
            self.load()

    def action_next_period(self) -> None:
        index = (PERIODS.index(self.weeks) + 1) % len(PERIODS)
        self.query_one(Tabs).active = f"weeks-{PERIODS[index]}"

    @work(exclusive=True, group="wellbeing")
    async def load(self) -> None:
        try:
            summary = await call(
                self, wellbeing_summary, self.journal, weeks=self.weeks, today=today_for(self)
            )
        except JournalError as error:
            self.query_one("#wellbeing-trend", Static).update(Content(error.message))
            return
        self.summary = summary
        self.show(summary)

    def show(self, summary: WellbeingSummary) -> None:
        notice = self.query_one("#wellbeing-notice", Static)
        notice.update(Content(summary.strain.text) if summary.strain else "")
        notice.set_class(summary.strain is not None, "-shown")
        self.query_one("#wellbeing-trend", Static).update(trend_lines(summary.weeks))
        self.query_one("#wellbeing-work", Static).update(work_lines(summary.weeks))
        self.query_one("#wellbeing-self-care", Static).update(self_care_text(summary))
        self.query_one("#on-this-day-heading", Static).update(
            f"On this day last year ({summary.on_this_day_date.strftime('%d %b %Y')})"
        )
        self.query_one("#wellbeing-on-this-day", Static).update(on_this_day_text(summary))
        self.query_one("#on-this-day-panel").set_class(summary.on_this_day is None, "-hidden")
        table = self.query_one(DataTable)
        table.clear()
        for week in reversed(summary.weeks):  # newest first: the top row is this week
            table.add_row(
                week.week_start.strftime("%d %b %Y"),
                str(week.checkins),
                _number(week.mood),
                _number(week.energy),
                _number(week.stress),
                str(week.sessions),
                f"{week.hours:.2f}",
                str(week.individual_sessions),
                str(week.group_sessions),
                str(week.flagged_sessions),
                str(week.confidentiality_events),
                str(week.shared_my_story),
                debriefs_cell(week),
                key=week.week_start.isoformat(),
            )

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["WellbeingScreen", "on_this_day_text", "self_care_text", "trend_lines", "work_lines"]

"""Help: every key, by screen, in one place, built from the screens' own bindings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Each section lists the real bindings of its screens (their keys as the footer would show
# them), in words that say more than the footer's. `WHAT` maps an action to those words; a
# binding without one is listed with its own description. Bindings whose words are the same
# share a row. `EXTRA` rows are keys that are not bindings of their own (typing, tab).
# tests/tui/test_help.py checks that every binding of every section is listed.


@dataclass(frozen=True)
class Section:
    title: str
    owners: Callable[[], list[type[Any]]]  # whose BINDINGS are listed, in order
    what: dict[str, str] = field(default_factory=dict)  # action -> what it does
    extra: tuple[tuple[str, str], ...] = ()  # (keys, what) that are not bindings
    skip: frozenset[str] = frozenset()  # actions listed in another section already


def _app() -> list[type[Any]]:
    from peerjournal.tui.keys import Everywhere

    return [Everywhere]


def _timeline() -> list[type[Any]]:
    from peerjournal.tui.screens.timeline import TimelineScreen
    from peerjournal.tui.widgets.timeline_view import TimelineView

    return [TimelineScreen, TimelineView]


def _forms() -> list[type[Any]]:
    from peerjournal.tui.screens.base import FormScreen

    return [FormScreen]


def _entry() -> list[type[Any]]:
    from peerjournal.tui.screens.entry import EntryScreen

    return [EntryScreen]


def _follow_ups() -> list[type[Any]]:
    from peerjournal.tui.screens.followups import FollowUpsScreen

    return [FollowUpsScreen]


def _prepare() -> list[type[Any]]:
    from peerjournal.tui.screens.supervision import PrepareSupervisionScreen

    return [PrepareSupervisionScreen]


def _aliases() -> list[type[Any]]:
    from peerjournal.tui.screens.aliases import AliasesScreen

    return [AliasesScreen]


def _search() -> list[type[Any]]:
    from peerjournal.tui.screens.search import QueryInput, SearchScreen

    return [QueryInput, SearchScreen]


MOVE = "Move through entries"
SECTIONS: tuple[Section, ...] = (
    Section(
        "Everywhere",
        _app,
        {
            "lock": (
                "Lock now: forms become encrypted drafts, the screen clears, the key is dropped"
            ),
            "help": "This help",
            "undo_delete": "Bring back the entry you just deleted (for 10 seconds)",
        },
        extra=(("ctrl+p", "Command palette: every command by name"), ("ctrl+q", "Quit")),
    ),
    Section(
        "Timeline",
        _timeline,
        {
            "app.new('session')": "Log a new support session",
            "app.new('reflection')": (
                "Write a reflection (free, Gibbs cycle, self-disclosure, supervision prep)"
            ),
            "app.new('checkin')": "Check in with yourself: mood, energy, stress, self-care",
            "app.new('boundary_event')": (
                "Note a boundary event: a gift, money, contact out of hours, a request ..."
            ),
            "app.open_screen('wellbeing')": (
                "My wellbeing: how I have been and what the work asked, week by week"
            ),
            "app.open_screen('search')": "Search everything",
            "app.open_screen('aliases')": "Aliases: the people you support",
            "app.open_screen('follow_ups')": "Follow-ups due",
            "app.open_screen('supervision')": "Prepare for supervision: bring, digest, record it",
            "focus_filters": "Filter by kind, alias, tag or supervision",
            "clear_filters": "Clear every filter",
            "focus_timeline": "From the filters back to the entries",
            "move(-1)": MOVE,
            "move(1)": MOVE,
            "page(-1)": MOVE,
            "page(1)": MOVE,
            "first": "The newest entry",
            "last": "The oldest entry (older pages load on the way)",
            "open": "Open the selected entry",
            "app.quit": "Quit",
            "app.help": "This help",
        },
        skip=frozenset({"app.lock"}),  # the app's own ctrl+l, shown in the footer
    ),
    Section(
        "Forms",
        _forms,
        {
            "save": "Save (you'll be told about likely identifiers first; you decide)",
            "leave": "Leave (asks first if there are unsaved changes)",
        },
        extra=(
            ("tab / shift+tab", "Next / previous field"),
            ("→ (in Duration, Alias)", "Take the suggestion shown in grey (e.g. 4 → 45)"),
            ("← →", "In a question: move between its buttons"),
        ),
    ),
    Section(
        "An entry",
        _entry,
        {
            "edit": "Edit",
            "delete": "Delete (asks first; ctrl+z brings it back for 10 seconds)",
            "view_event": "A session's confidentiality event",
        },
    ),
    Section(
        "Follow-ups (f)",
        _follow_ups,
        {
            "new": "New follow-up, for one of your aliases or for nobody",
            "edit": "Edit: what needs doing, due date, owner, alias",
            "snooze": "Snooze: due a week later",
            "undo": "Undo the last done, drop or snooze",
        },
        extra=(("enter", "Open the session it came from"),),
    ),
    Section(
        "Prepare for supervision (p)",
        _prepare,
        {
            "bring": "Bring this / not this time",
            "digest": "Make the digest (from the day after the last supervision; review it first)",
            "record": "Record the supervision, with the items brought",
        },
        extra=(("enter", "Open the item"),),
    ),
    Section(
        "Aliases (a)",
        _aliases,
        {
            "new_alias": "New alias (a pseudonym is enough)",
            "edit": "Edit: themes, limits explained, consent, dual relationship and plan, notes",
            "toggle_closed": "Close or reopen (asks first)",
            "new_boundary_event": "Note a boundary event about this alias (a gift, a request ...)",
            "delete_alias": ("Delete (asks); its entries stay, marked “alias deleted”"),
        },
        extra=(("enter", "Into its entries; enter again opens one"),),
    ),
    Section(
        "Search",
        _search,
        {
            "submit": "Open the chosen result",
            "screen.move(1)": "Choose a result",
            "screen.move(-1)": "Choose a result",
            "focus_query": "Back to the search words",
        },
        extra=(
            (
                "type",
                'Results appear as you type, aliases and tags included; "quotes" for a '
                "phrase, word* for a prefix",
            ),
        ),
    ),
)

_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "f1": "F1",
    "f2": "F2",
}


def key_text(binding: Binding) -> str:
    """The binding's keys as a person reads them ('Home or g'), or its own key_display."""
    keys = [_KEY_NAMES.get(key.strip(), key.strip()) for key in binding.key.split(",")]
    if binding.key_display:  # first, then the other keys it does not show already
        keys = [binding.key_display] + [k for k in keys if k not in binding.key_display]
    return " or ".join(keys)


def section_rows(section: Section) -> list[tuple[str, str]]:
    """(keys, what) for every binding of the section's screens, then its extra rows."""
    rows: list[tuple[str, str]] = []
    for owner in section.owners():
        for item in owner.BINDINGS:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if binding.action in section.skip:
                continue
            what = section.what.get(binding.action, binding.description)
            keys = key_text(binding)
            same = next((i for i, row in enumerate(rows) if row[1] == what), None)
            if same is None:
                rows.append((keys, what))
            elif keys not in rows[same][0]:
                rows[same] = (f"{rows[same][0]}, {keys}", what)
    return rows + list(section.extra)


def palette_rows() -> list[tuple[str, str]]:
    """The journal's screens and forms without a key of their own, as the command palette
    names them."""
    from peerjournal.tui.screens.registry import PALETTE_FORMS, SCREENS

    keyed = {"wellbeing", "search", "aliases", "follow_ups", "supervision"}  # timeline keys
    screens = [(entry.title, entry.help) for entry in SCREENS.values() if entry.name not in keyed]
    return screens + list(PALETTE_FORMS.values())


class HelpScreen(ModalScreen[None]):
    """A keyboard reference."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self) -> None:
        super().__init__(id="help")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("peerjournal keys", style="bold"))
            sections = [(section.title, section_rows(section)) for section in SECTIONS]
            sections.insert(-1, ("Command palette (ctrl+p)", palette_rows()))
            for title, keys in sections:
                table = Table(
                    title=title,
                    title_justify="left",
                    show_header=False,
                    box=None,
                    padding=(0, 2),
                    expand=True,
                )
                table.add_column(style="bold", ratio=1)
                table.add_column(ratio=3)
                for key, what in keys:
                    table.add_row(key, what)
                yield Static(table)
            yield Static(
                Text(
                    "Your journal is encrypted on this computer and never leaves it. Exports are "
                    "plaintext: peerjournal asks before writing one.",
                    style="italic",
                )
            )

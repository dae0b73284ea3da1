"""Help: every key, by screen, in one place."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            (
                "ctrl+l",
                "Lock now: forms become encrypted drafts, the screen clears, the key is dropped",
            ),
            ("ctrl+p", "Command palette: every command by name"),
            ("? or F1", "This help"),
            ("ctrl+z", "Bring back the entry you just deleted (for 10 seconds)"),
            ("ctrl+q", "Quit"),
        ],
    ),
    (
        "Timeline",
        [
            ("n", "Log a new support session"),
            ("r", "Write a reflection (free, Gibbs cycle, self-disclosure, supervision prep)"),
            ("c", "Check in with yourself: mood, energy, stress, self-care"),
            ("w", "My wellbeing: how I have been and what the work asked, week by week"),
            ("/", "Search everything"),
            ("a", "Aliases: the people you support"),
            ("f", "Follow-ups due"),
            ("p", "Prepare for supervision: bring, digest, record it"),
            ("t", "Filter by kind, alias, tag or supervision"),
            ("x", "Clear every filter"),
            ("↑ ↓ j k, PgUp PgDn", "Move through entries"),
            ("Home End", "The newest entry; the oldest (older pages load on the way)"),
            ("enter", "Open the selected entry"),
            ("q", "Quit"),
        ],
    ),
    (
        "Forms",
        [
            ("ctrl+s", "Save (you'll be told about likely identifiers first; you decide)"),
            ("escape", "Leave (asks first if there are unsaved changes)"),
            ("tab / shift+tab", "Next / previous field"),
            ("→ (in Duration, Alias)", "Take the suggestion shown in grey (e.g. 4 → 45)"),
            ("← →", "In a question: move between its buttons"),
        ],
    ),
    (
        "An entry",
        [
            ("e", "Edit"),
            ("d", "Delete (asks first; ctrl+z brings it back for 10 seconds)"),
            ("escape", "Back"),
        ],
    ),
    (
        "Follow-ups (f)",
        [
            ("n", "New follow-up, for one of your aliases or for nobody"),
            ("e", "Edit: what needs doing, due date, owner, alias"),
            ("d or space", "Done"),
            ("s", "Snooze: due a week later"),
            ("x", "Drop"),
            ("u", "Undo the last done, drop or snooze"),
            ("enter", "Open the session it came from"),
            ("escape", "Back"),
        ],
    ),
    (
        "Prepare for supervision (p)",
        [
            ("space or b", "Bring this / not this time"),
            ("enter", "Open the item"),
            ("d", "Make the digest (from the day after the last supervision; review it first)"),
            ("r", "Record the supervision, with the items brought"),
            ("escape", "Back"),
        ],
    ),
    (
        "Aliases (a)",
        [
            ("n", "New alias (a pseudonym is enough)"),
            ("e", "Edit: themes, dual relationship, limits explained, consent, notes"),
            ("x", "Close or reopen (asks first)"),
            ("delete", "Delete an alias that has no entries (asks); one with entries is closed"),
            ("enter", "Into its entries; enter again opens one"),
            ("escape", "Back"),
        ],
    ),
    (
        "Command palette (ctrl+p)",
        [
            ("Settings", "Idle lock minutes, retention periods"),
            (
                "Backup & export",
                "Encrypted backup now, automatic backups to your own USB "
                "stick, plaintext export (asks first)",
            ),
            ("Retention & purge", "See exactly what is older than you keep, then purge it"),
            ("Supervision digest", "Reflections for supervision, de-identified, to present"),
        ],
    ),
    (
        "Search",
        [
            (
                "type",
                'Results appear as you type, aliases and tags included; "quotes" for a '
                "phrase, word* for a prefix",
            ),
            ("↑ ↓ enter", "Choose and open a result"),
            ("escape", "Back"),
        ],
    ),
]


class HelpScreen(ModalScreen[None]):
    """A keyboard reference."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen > VerticalScroll {
        width: 90;
        max-width: 96%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self) -> None:
        super().__init__(id="help")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("peerjournal keys", style="bold"))
            for section, keys in KEYS:
                table = Table(
                    title=section,
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

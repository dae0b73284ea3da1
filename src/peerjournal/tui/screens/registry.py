"""The journal's screens, by name: what the app can open, and how the palette names them.

One entry per screen the person opens from the timeline or the command palette. Each screen
class takes the Journal as its only constructor argument. `load` imports the screen's module
only when it is first opened (start-up time matters: nothing here imports a screen).

To add a screen: write its class, add an entry here (a loader function and a `ScreenEntry`),
bind a key to `app.open_screen('<name>')` where it belongs, and it is in the palette. See
docs/architecture.md, "How screens talk".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from peerjournal.core.journal import Journal

    JournalScreenClass = Callable[[Journal], Screen[Any]]


@dataclass(frozen=True)
class ScreenEntry:
    """A screen the app opens by name (`app.open_screen('<name>')`)."""

    name: str
    title: str  # in the command palette
    help: str  # the palette's line under the title
    load: Callable[[], JournalScreenClass]


def _wellbeing() -> JournalScreenClass:
    from peerjournal.tui.screens.wellbeing import WellbeingScreen

    return WellbeingScreen


def _search() -> JournalScreenClass:
    from peerjournal.tui.screens.search import SearchScreen

    return SearchScreen


def _aliases() -> JournalScreenClass:
    from peerjournal.tui.screens.aliases import AliasesScreen

    return AliasesScreen


def _follow_ups() -> JournalScreenClass:
    from peerjournal.tui.screens.followups import FollowUpsScreen

    return FollowUpsScreen


def _settings() -> JournalScreenClass:
    from peerjournal.tui.screens.settings import SettingsScreen

    return SettingsScreen


def _backup() -> JournalScreenClass:
    from peerjournal.tui.screens.backup import BackupScreen

    return BackupScreen


def _retention() -> JournalScreenClass:
    from peerjournal.tui.screens.retention import RetentionScreen

    return RetentionScreen


def _supervision() -> JournalScreenClass:
    from peerjournal.tui.screens.supervision import PrepareSupervisionScreen

    return PrepareSupervisionScreen


def _digest() -> JournalScreenClass:
    from peerjournal.tui.screens.digest import DigestScreen

    return DigestScreen


# In the command palette's order.
SCREENS: dict[str, ScreenEntry] = {
    entry.name: entry
    for entry in (
        ScreenEntry(
            "wellbeing",
            "My wellbeing",
            "How I have been and what the work asked of me, week by week (w)",
            _wellbeing,
        ),
        ScreenEntry("search", "Search", "Full-text search (/)", _search),
        ScreenEntry("aliases", "Aliases", "The people you support, by alias (a)", _aliases),
        ScreenEntry("follow_ups", "Follow-ups", "What is due (f)", _follow_ups),
        ScreenEntry("settings", "Settings", "Idle lock and other settings", _settings),
        ScreenEntry(
            "backup",
            "Backup & export",
            "Encrypted backup now, automatic backups, plaintext export",
            _backup,
        ),
        ScreenEntry(
            "retention",
            "Retention & purge",
            "See what is older than you keep; purge it",
            _retention,
        ),
        ScreenEntry(
            "supervision",
            "Prepare for supervision",
            "What to bring, the digest, then record the supervision (p)",
            _supervision,
        ),
        ScreenEntry(
            "digest", "Supervision digest", "De-identified reflections to present", _digest
        ),
    )
}

# Record forms the palette opens by name that have no key of their own (the help lists them
# with the palette's screens): kind -> (title, what it is for).
PALETTE_FORMS: dict[str, tuple[str, str]] = {
    "debrief": (
        "Debrief",
        "Two minutes for you after a hard session: how you are now, what is yours, who you "
        "will talk to (never what happened)",
    ),
}

__all__ = ["PALETTE_FORMS", "SCREENS", "ScreenEntry"]

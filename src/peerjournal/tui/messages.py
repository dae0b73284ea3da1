"""The few intents a screen posts for the app to carry out.

A screen never calls the app's methods: it posts one of these to the app
(`self.app.post_message(OpenEntry(entry_id))`), whose `@on(...)` handlers carry it out. Posted
to the app, not bubbled from the screen: a screen that dismisses itself right after (a delete)
would take a message still in its own queue with it.
What the journal *did* is not a message: it is the app's `journal_changed` signal (see
`peerjournal.tui.host`), published after every write, whoever wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # the app imports this module at launch, before any journal is open
    from peerjournal.core.journal import Deleted, Journal
    from peerjournal.core.models import Record


@dataclass
class OpenEntry(Message):
    """Show the entry view of the dated record `entry_id`."""

    entry_id: str


@dataclass
class OpenForm(Message):
    """Open the form of `kind` (a key of screens.forms.FORMS): new, or editing `record`.

    `options` go to the form's constructor (e.g. `alias_id=` for a follow-up from a session).
    The app opens one form of a kind at a time and gives it the known aliases.
    """

    kind: str
    record: Record | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class EntryDeleted(Message):
    """A screen deleted an entry: the app says so and keeps it a few seconds for ctrl+z.
    `label` names it for the person ("Session")."""

    deleted: Deleted
    label: str


@dataclass
class JournalOpened(Message):
    """The create or unlock screen opened (or re-unlocked) `journal`: show the timeline."""

    journal: Journal


__all__ = ["EntryDeleted", "JournalOpened", "OpenEntry", "OpenForm"]

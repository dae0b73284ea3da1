"""What a write to the journal changed, told to whoever listens.

The Journal is the one place that writes. After each transaction commits it tells its
listeners, once, what the transaction changed: a `JournalChange` holding one `Change` per
record created, updated or deleted (and per setting written). Drafts are not changes: they
are nobody's business but the form that keeps them. The app turns this into its
`journal_changed` signal; the core knows nothing of the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Action = Literal["created", "updated", "deleted"]
SETTING = "setting"  # the `kind` of a change to a setting; its `id` is the setting's key


@dataclass(frozen=True)
class Change:
    """One record (or setting) that a committed transaction changed."""

    action: Action
    kind: str  # a record KIND ("session", "alias", ...), or SETTING
    id: str


@dataclass(frozen=True)
class JournalChange:
    """Everything one committed transaction changed, in the order it was written."""

    changes: tuple[Change, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(change.kind for change in self.changes)

    def touches(self, record_id: str) -> bool:
        """Whether the record `record_id` was created, updated or deleted."""
        return any(change.id == record_id for change in self.changes)

    def deleted(self, record_id: str) -> bool:
        """Whether the record `record_id` was deleted."""
        return any(c.id == record_id and c.action == "deleted" for c in self.changes)

    @property
    def records_only(self) -> bool:
        """True when no setting changed (only records)."""
        return SETTING not in self.kinds


ChangeListener = Callable[[JournalChange], None]

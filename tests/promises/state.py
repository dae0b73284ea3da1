"""What a journal holds and what a folder holds, in forms a test can compare before and after."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from peerjournal.core.exchange import export_document
from peerjournal.core.journal import Journal
from peerjournal.core.kdf import KdfPolicy
from tests import samples

START = "2026-01-05T09:00:00+01:00"


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under `folder` (byte-identity checks)."""
    found: dict[str, str] = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def content(journal: Journal) -> dict[str, Any]:
    """Everything the journal holds, as the export has it, without the export's own time."""
    document = export_document(journal)
    document.pop("exported_at")
    return document


def content_of(home: Path, passphrase: str, policy: KdfPolicy) -> dict[str, Any]:
    with Journal.open(home, passphrase, policy=policy) as journal:
        return content(journal)


def stable_id(seed: str, number: int) -> str:
    """A UUID that is the same in every run (so figures and failures are reproducible)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"peerjournal-test/{seed}/{number}"))


def moment(number: int) -> str:
    """The time of the `number`-th test entry: one every 37 minutes from START."""
    return (datetime.fromisoformat(START) + timedelta(minutes=37 * number)).isoformat()


def fill(journal: Journal, *, seed: str, sessions: int, note_words: int = 40) -> None:
    """Aliases, sessions and reflections with realistic amounts of text, in one transaction.

    The same records (ids, fields) for the same seed: every field is given here, so the
    factory's defaults (now, today) never reach them.
    """
    words = ["housing", "benefits", "listening", "hope", "sleep"]
    words += ["walk", "kitchen", "forms", "called", "waited"]
    with journal.transaction():
        aliases = [
            samples.alias(journal, f"{seed}-{n}", id=stable_id(seed + "-alias", n))
            for n in range(max(1, sessions // 50))
        ]
        for n in range(sessions):
            text = " ".join(words[(n + i) % len(words)] for i in range(note_words))
            samples.session(
                journal,
                id=stable_id(seed + "-session", n),
                alias_id=aliases[n % len(aliases)].id,
                occurred_at=moment(n),
                duration_min=45,
                goal_focus=f"Goal {n}: {text[:80]}",
                notes=text,
                tags=["housing"] if n % 3 == 0 else [],
            )
            if n % 10 == 0:
                samples.reflection(
                    journal,
                    id=stable_id(seed + "-reflection", n),
                    occurred_on=moment(n)[:10],
                    title=f"Reflection {n}",
                    body=text,
                )

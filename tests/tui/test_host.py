"""How screens talk: the journal_changed signal reaches every screen that shows the journal,
whoever wrote; the registry opens every screen lazily; intents are messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from peerjournal.core.changes import JournalChange
from peerjournal.core.models import Session, new_id
from peerjournal.tui.host import watch_journal
from peerjournal.tui.screens.registry import SCREENS
from peerjournal.tui.widgets.timeline_view import TimelineView
from tests.tui.conftest import make_app, unlock
from tests.tui.pilot import settle


async def test_a_write_from_anywhere_reaches_the_timeline(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        assert app.screen.id == "timeline" and app.journal is not None
        heard: list[JournalChange] = []
        watch_journal(app.screen, heard.append)
        session = Session(id=new_id(), occurred_at="2026-01-05T10:00:00+00:00", notes="Hi.")
        # Written in a worker thread, as every screen writes: the signal comes on the app.
        await app.run_worker(lambda: app.journal.save(session), thread=True).wait()  # type: ignore[union-attr]
        await settle(app, pilot)
        assert [c.changes[0].id for c in heard] == [session.id]
        assert session.id in [item.id for item in app.screen.query_one(TimelineView).items]


async def test_every_registered_screen_opens_by_name(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(app, pilot)
        for name, entry in SCREENS.items():
            app.action_open_screen(name)
            await settle(app, pilot)
            assert type(app.screen) is entry.load(), name
            app.pop_screen()
            await settle(app, pilot)


def test_importing_the_app_imports_no_journal_screen() -> None:
    # Start-up time: the screens load when first opened (screens/registry.py).
    code = (
        "import sys, peerjournal.tui.app as a; "
        "print(sorted(m for m in sys.modules if m.startswith('peerjournal.tui.screens.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout
    for module in ("search", "aliases", "wellbeing", "settings", "retention", "digest", "entry"):
        assert f"peerjournal.tui.screens.{module}'" not in loaded, module


def test_the_unlock_screen_draws_without_the_journal_or_the_database_driver() -> None:
    # Launch time: the journal, the models and sqlcipher3 come while Argon2id runs
    # (unlock._import_first_screen), not before the unlock screen is drawn.
    code = (
        "import sys, peerjournal.tui.app, peerjournal.tui.screens.unlock; "
        "print(sorted(m for m in sys.modules if m.startswith(('peerjournal.core', 'sqlcipher3'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout
    assert "peerjournal.core.vault'" in loaded  # locating the journal needs it
    for module in ("peerjournal.core.journal'", "peerjournal.core.models'", "'sqlcipher3'"):
        assert module not in loaded, module

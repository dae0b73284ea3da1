"""Fixtures for driving the app headless with Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerjournal.core.journal import Journal
from peerjournal.tui.app import PeerJournalApp
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.pilot import settle


@pytest.fixture
def existing_home(home: Path) -> Path:
    """A journal on disk, closed, ready for the app to unlock."""
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    return home


def make_app(home: Path, **kwargs: object) -> PeerJournalApp:
    return PeerJournalApp(home, policy=TEST_POLICY, **kwargs)  # type: ignore[arg-type]


async def unlock(
    app: PeerJournalApp, pilot: object, passphrase: str = PASSPHRASE, *, type_it: bool = False
) -> None:
    """Enter the passphrase on the unlock screen (typed key by key when `type_it`)."""
    if type_it:
        await pilot.press(*passphrase, "enter")  # type: ignore[attr-defined]
    else:
        from textual.widgets import Input

        field = app.screen.query_one("#passphrase", Input)
        field.value = passphrase
        field.focus()
        await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)

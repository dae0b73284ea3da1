"""DigestScreen: the de-identified supervision digest, read-only, for a date range."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from peerjournal.core.journal import Journal
from peerjournal.core.models import Alias, Reflection, Session, new_id
from peerjournal.tui.screens.digest import NOTICE, DigestScreen, digest_content, parse_day
from tests.conftest import files_under
from tests.tui.conftest import settle
from tests.tui.form_helpers import HOSTILE, HOSTILE_STORED, wait_until
from tests.tui.harness import HarnessApp

SIZE = (100, 32)
TODAY = date.today()


@pytest.fixture
def filled(journal: Journal) -> Journal:
    river = journal.save(Alias(id=new_id(), pseudonym="River"))
    session = journal.save(
        Session(
            id=new_id(),
            alias_id=river.id,
            occurred_at=f"{(TODAY - timedelta(days=3)).isoformat()}T14:00:00+00:00",
            goal_focus="River wants a quieter week",
        )
    )
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on=(TODAY - timedelta(days=2)).isoformat(),
            title="After River's session",
            body=f"River said it plainly. {HOSTILE}",
            session_id=session.id,
            for_supervision=True,
        )
    )
    journal.save(
        Reflection(
            id=new_id(),
            occurred_on=(TODAY - timedelta(days=1)).isoformat(),
            body="not for supervision: zqxprivate",
        )
    )
    return journal


def text_of(app: HarnessApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).content)


def test_dates_are_iso_or_blank() -> None:
    assert parse_day("", "From") is None
    assert parse_day(" 2026-11-20 ", "From") == date(2026, 11, 20)
    with pytest.raises(ValueError, match="From: enter a date like"):
        parse_day("20/11/2026", "From")


def test_headings_are_styled_and_everything_else_is_literal() -> None:
    content = digest_content("# Title\n\nPerson A: [@click=app.quit]x[/] **b**\n## Sub")
    assert content.plain == "Title\n\nPerson A: [@click=app.quit]x[/] **b**\nSub"
    styled = {content.plain[span.start : span.end] for span in content.spans}
    assert styled == {"Title", "Sub"}
    assert all("@click" not in str(span.style) for span in content.spans)


async def test_the_digest_is_de_identified_literal_and_read_only(
    filled: Journal, tmp_path: Path
) -> None:
    before = {path: path.stat().st_size for path in files_under(tmp_path)}
    app = HarnessApp(lambda: DigestScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.id == "digest"
        assert text_of(app, "digest-notice") == NOTICE
        assert app.screen.query_one("#digest-since", Input).value == (
            (TODAY - timedelta(days=30)).isoformat()
        )
        assert app.screen.query_one("#digest-until", Input).value == TODAY.isoformat()
        shown = text_of(app, "digest-text")
        assert "Person A" in shown
        assert "River" not in shown and "river" not in shown.lower()
        assert HOSTILE_STORED in shown  # markup and brackets stay words
        assert "zqxprivate" not in shown
        assert text_of(app, "digest-summary").startswith(
            "1 reflection, 1 linked session, 1 person;"
        )
        assert not list(app.screen.query(Button))  # nothing to save with
        assert app.is_running
    after = {path: path.stat().st_size for path in files_under(tmp_path)}
    assert after.keys() == before.keys()  # not a file written anywhere


async def test_enter_shows_another_range_and_bad_dates_say_why(filled: Journal) -> None:
    app = HarnessApp(lambda: DigestScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        since = app.screen.query_one("#digest-since", Input)
        since.value = TODAY.isoformat()
        since.focus()
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: text_of(app, "digest-summary").startswith("0 reflections"), "refresh"
        )
        assert "No reflections are marked for supervision" in text_of(app, "digest-text")

        since.value = "last week"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "From: enter a date" in text_of(app, "digest-summary"), "")
        assert app.screen.query_one("#digest-summary", Static).has_class("-error")

        since.value = (TODAY + timedelta(days=1)).isoformat()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "is after" in text_of(app, "digest-summary"), "order")

        since.value = ""
        app.screen.query_one("#digest-until", Input).value = ""
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: text_of(app, "digest-summary").startswith("1 reflection"), "any date"
        )
        assert "of any date" in text_of(app, "digest-text")
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]

"""DigestScreen: the de-identified supervision digest, read-only, for a date range."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from peerjournal.core.journal import Journal
from peerjournal.tui.screens.digest import NOTICE, DigestScreen, digest_content, parse_day
from tests import samples
from tests.conftest import files_under
from tests.tui.form_helpers import HOSTILE, HOSTILE_STORED
from tests.tui.harness import HarnessApp
from tests.tui.pilot import settle, wait_until

SIZE = (100, 32)
TODAY = date.today()


@pytest.fixture
def filled(journal: Journal) -> Journal:
    river = samples.alias(journal)
    session = samples.session(
        journal,
        alias_id=river.id,
        occurred_at=f"{(TODAY - timedelta(days=3)).isoformat()}T14:00:00+00:00",
        goal_focus="River wants a quieter week",
    )
    samples.reflection(
        journal,
        days_ago=2,
        title="After River's session",
        body=f"River said it plainly. {HOSTILE}",
        session_id=session.id,
        for_supervision=True,
    )
    samples.reflection(journal, days_ago=1, body="not for supervision: zqxprivate")
    return journal


def text_of(app: HarnessApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).content)


def test_dates_are_iso_or_blank() -> None:
    assert parse_day("", "From") is None
    assert parse_day(" 2026-11-20 ", "From") == date(2026, 11, 20)
    with pytest.raises(ValueError, match="From: enter a date like"):
        parse_day("20/11/2026", "From")


def test_headings_are_styled_and_everything_else_is_literal() -> None:
    content = digest_content("# Title\n\n[name 1]: [@click=app.quit]x[/] **b**\n## Sub")
    assert content.plain == "Title\n\n[name 1]: [@click=app.quit]x[/] **b**\nSub"
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
        # No supervision recorded: from the start of the journal.
        assert app.screen.query_one("#digest-since", Input).value == ""
        assert text_of(app, "digest-since-note") == "No supervision yet: the whole journal."
        assert app.screen.query_one("#digest-until", Input).value == TODAY.isoformat()
        shown = text_of(app, "digest-text")
        assert "[name 1]" in shown
        assert "River" not in shown and "river" not in shown.lower()
        assert HOSTILE_STORED in shown  # markup and brackets stay words
        assert "zqxprivate" not in shown
        assert text_of(app, "digest-summary").startswith("1 reflection, 1 linked session, 1 name;")
        assert app.is_running
    after = {path: path.stat().st_size for path in files_under(tmp_path)}
    assert after.keys() == before.keys()  # not a file written unasked


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


async def test_review_then_present_and_save(filled: Journal, tmp_path: Path) -> None:
    from peerjournal.tui.screens.dialogs import ConfirmScreen
    from peerjournal.tui.screens.digest import DigestPresentScreen, SavePathScreen

    samples.reflection(
        filled,
        days_ago=1,
        body='Her GP said the Zopiclone helps. She said "never again".',
        for_supervision=True,
    )
    target = tmp_path / "out" / "digest.md"
    target.parent.mkdir()
    app = HarnessApp(lambda: DigestScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DigestScreen)
        words = [c.word for c in screen.listed]
        assert "GP" in words and "never again" in words
        # Nothing leaves before the review.
        screen.query_one("#digest-candidates").focus()
        await pilot.press("f")
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen
        # Mark GP for redaction: the digest updates, GP stays listed as "redact".
        listing = screen.query_one("#digest-candidates")
        listing.highlighted = words.index("GP")  # type: ignore[attr-defined]
        await pilot.press("space")
        await wait_until(pilot, lambda: "GP" not in text_of(app, "digest-text"), "redacted")
        assert "[redacted]" in text_of(app, "digest-text")
        assert "GP" in [c.word for c in screen.listed]
        await pilot.press("enter")  # and back to keep
        await wait_until(pilot, lambda: "GP" in text_of(app, "digest-text"), "kept")
        await pilot.press("space")
        await wait_until(pilot, lambda: "GP" not in text_of(app, "digest-text"), "redacted")
        await pilot.press("ctrl+r")
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, DigestPresentScreen), "present")
        presented = str(app.screen.query_one("#present-text", Static).content)
        assert "[redacted]" in presented and "River" not in presented
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SavePathScreen), "path")
        app.screen.query_one("#save-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "warning")
        await pilot.press("escape")  # no: nothing written
        await wait_until(pilot, lambda: app.screen is screen, "back")
        assert not target.exists()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SavePathScreen), "path")
        app.screen.query_one("#save-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "warning")
        await pilot.press("y")
        await wait_until(pilot, target.exists, "the file")
    assert target.stat().st_mode & 0o777 == 0o600
    saved = target.read_text()
    assert "[redacted]" in saved and "GP" not in saved and "River" not in saved


async def test_switches_say_why_and_change_the_digest(filled: Journal) -> None:
    from textual.widgets import Checkbox

    app = HarnessApp(lambda: DigestScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Left out: the setting" in text_of(app, "digest-left-out")
        assert "· community" not in text_of(app, "digest-text")
        app.screen.query_one("#with-setting", Checkbox).value = True
        await wait_until(pilot, lambda: "· community" in text_of(app, "digest-text"), "setting")
        assert "Left out: the setting" not in text_of(app, "digest-left-out")
        assert "week of" in text_of(app, "digest-text")
        app.screen.query_one("#with-exact_dates", Checkbox).value = True
        await wait_until(pilot, lambda: "week of" not in text_of(app, "digest-text"), "dates")


async def test_saving_into_a_folder_named_with_escape_sequences_shows_it_escaped(
    filled: Journal, tmp_path: Path
) -> None:
    """The digest's save question and its "saved" notice go through `printable`, as the
    export's do: an OSC 52 sequence in a folder name must not reach the terminal."""
    from peerjournal.tui.screens.dialogs import ConfirmScreen
    from peerjournal.tui.screens.digest import SavePathScreen

    folder = tmp_path / "notes\x1b]52;c;b3duZWQ=\x07"
    folder.mkdir()
    target = folder / "digest.md"
    app = HarnessApp(lambda: DigestScreen(filled))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DigestScreen)
        screen.query_one("#digest-candidates").focus()
        await pilot.press("ctrl+r")  # reviewed
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SavePathScreen), "path")
        app.screen.query_one("#save-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "warning")
        question = app.screen._question  # type: ignore[attr-defined]
        assert "\x1b" not in question and "\\e]52" in question
        await pilot.press("y")
        await wait_until(pilot, target.exists, "the file")
        await wait_until(pilot, lambda: bool(app._notifications), "the notice")
        said = " ".join(str(n.message) for n in app._notifications)
    assert "Saved the digest" in said
    assert "\x1b" not in said and "\x07" not in said and "\\e]52" in said

"""The app as a person meets it: create, unlock, lock, idle lock, and the safety promises."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from peerjournal.core.journal import Journal
from peerjournal.core.models import Session, new_id, now_iso
from peerjournal.tui.app import PeerJournalApp
from peerjournal.tui.safety import PasswordInput
from peerjournal.tui.widgets.timeline_view import TimelineView
from tests.conftest import PASSPHRASE, TEST_POLICY
from tests.tui.conftest import make_app, unlock
from tests.tui.pilot import settle

HOSTILE = "[@click=app.quit]click me[/] [bold]x[/bold] [ \x1b]52;c;aGk=\x07 \x1b]0;title\x07 end"


async def test_first_run_creates_a_journal(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.screen.id == "create"
        await pilot.press(*"short")
        await pilot.pause()
        assert "too short" in str(app.screen.query_one("#strength").render())
        await pilot.press("enter", *"short", "enter")
        await settle(app, pilot)
        assert app.screen.id == "create"  # refused, with a message
        passphrase = "quiet harbour lantern morning"
        first = app.screen.query_one("#passphrase", PasswordInput)
        first.value = passphrase
        second = app.screen.query_one("#repeat", PasswordInput)
        second.value = "something else entirely"
        second.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "differ" in str(app.screen.query_one(".gate-status").render())
        first.value = passphrase
        second.value = passphrase
        second.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "timeline"
        assert app.journal is not None and app.journal.is_unlocked
    assert (home / "header.json").exists()
    Journal.open(home, passphrase, policy=TEST_POLICY).close()


async def test_wrong_then_right_passphrase(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.screen.id == "unlock"
        await unlock(app, pilot, "not my passphrase", type_it=True)
        assert app.screen.id == "unlock"
        status = str(app.screen.query_one(".gate-status").render())
        assert "doesn't open" in status
        assert app.screen.query_one("#passphrase", Input).value == ""
        await unlock(app, pilot)
        assert app.screen.id == "timeline"


async def test_a_journal_open_elsewhere_exits_cleanly(existing_home: Path) -> None:
    with Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY):
        app = make_app(existing_home)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
        assert app.return_code == 6
        assert app.exit_message and "another" in app.exit_message


async def test_a_damaged_journal_exits_with_its_name(existing_home: Path) -> None:
    (existing_home / "header.json").write_text("{broken")
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
    assert app.return_code == 4
    assert app.exit_message and "damaged" in app.exit_message


async def test_ctrl_l_locks_clears_screens_and_drops_the_key(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        journal = app.journal
        assert journal is not None
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.id == "help"
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert app.screen.id == "unlock"
        assert not journal.is_unlocked
        assert journal.vault._keys is None
        assert [s.id for s in app.screen_stack] == ["_default", "unlock"]
        await unlock(app, pilot)
        assert app.screen.id == "timeline"


async def test_idle_time_locks_the_app(existing_home: Path) -> None:
    now = [1000.0]
    app = make_app(existing_home, idle_seconds=60, clock=lambda: now[0])
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        now[0] += 50
        await pilot.press("down")  # activity resets the idle clock
        now[0] += 50
        app._check_idle()
        await settle(app, pilot)
        assert app.screen.id == "timeline"
        now[0] += 61
        app._check_idle()
        await settle(app, pilot)
        assert app.screen.id == "unlock"
        assert app.journal is not None and not app.journal.is_unlocked


async def test_hostile_text_is_shown_literally(existing_home: Path) -> None:
    with Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY) as j:
        j.save(Session(id=new_id(), occurred_at=now_iso(), goal_focus=HOSTILE))
    app = make_app(existing_home)
    async with app.run_test(size=(120, 32)) as pilot:
        await unlock(app, pilot)
        view = app.screen.query_one(TimelineView)
        rendered = "".join(segment.text for y in range(4) for segment in view.render_line(y))
        assert "[@click=app.quit]click me[/]" in rendered
        assert "\x1b" not in rendered and "\x07" not in rendered
        await pilot.click(TimelineView, offset=(30, 1))  # clicking the "link" does nothing
        await pilot.pause()
        assert app.is_running


async def test_screenshot_command_is_gone(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert "New session" in titles and "Lock" in titles
        # Only peerjournal's own commands: none of Textual's generic ones.
        assert not {"Keys", "Maximize", "Theme", "Minimize"} & set(titles)
        assert all(
            not c.help.startswith("Quit the application")
            for c in app.get_system_commands(app.screen)
        )
        assert app.deliver_screenshot() is None
        with pytest.raises(RuntimeError):
            app.save_screenshot()


async def test_devtools_and_log_variables_are_ignored(
    existing_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from textual import constants

    log = tmp_path / "textual.log"
    monkeypatch.setattr(constants, "LOG_FILE", str(log))
    monkeypatch.setenv("TEXTUAL", "devtools,debug")
    app = make_app(existing_home)
    assert app.devtools is None
    assert "devtools" not in app.features and "debug" not in app.features
    assert constants.LOG_FILE is None
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        app.log("a note about someone")
    assert not log.exists()


def test_scrubbing_needs_no_textual_import() -> None:
    import subprocess
    import sys

    code = (
        "import sys, peerjournal.tui.environment, peerjournal.cli\n"
        "print(any(n.startswith('textual') for n in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_entry_point_scrubs_textual_variables() -> None:
    from peerjournal.tui.environment import scrub_textual_environment

    environ = {
        name: "x"
        for name in (
            "TEXTUAL",
            "TEXTUAL_LOG",
            "TEXTUAL_SCREENSHOT",
            "TEXTUAL_DEVTOOLS_HOST",
            "HOME",
        )
    }
    scrub_textual_environment(environ)
    assert environ == {"HOME": "x"}


async def test_password_inputs_refuse_copy_and_cut(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press(*"secret words here")
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("ctrl+a", "ctrl+shift+a", "ctrl+c", "ctrl+x")
        await pilot.pause()
        assert copied == []
        assert app.screen.query_one("#passphrase", Input).value == "secret words here"


async def test_a_crash_shows_a_short_message_without_note_text(
    existing_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(existing_home)
    secret = "SECRET-NOTE-TEXT"
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(100, 32)) as pilot:
            await unlock(app, pilot)

            def explode() -> None:
                note = secret  # noqa: F841 - a local that a traceback with locals would show
                raise ZeroDivisionError("boom")

            app.call_later(explode)
            await pilot.pause()
    captured = capsys.readouterr()
    text = " ".join((captured.err + captured.out).split())
    assert "unexpected error (ZeroDivisionError)" in text
    assert secret not in text and "Traceback" not in text


async def test_quit_closes_the_journal(existing_home: Path) -> None:
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        journal = app.journal
        await pilot.press("q")
        await pilot.pause()
    assert journal is not None and not journal.is_unlocked
    Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY).close()  # lock released


def test_app_class_is_importable_without_a_journal() -> None:
    assert PeerJournalApp.TITLE == "peerjournal"


async def test_locking_takes_the_automatic_backup_first(
    existing_home: Path, tmp_path: Path
) -> None:
    from peerjournal.core.backup import set_auto_backup, verify_backup

    stick = tmp_path / "usb-stick"
    stick.mkdir()
    with Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY) as j:
        set_auto_backup(j, stick, keep=2)
        j.save(Session(id=new_id(), occurred_at=now_iso(), notes="changed since"))
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert app.screen.id == "unlock"
    [backup] = list(stick.iterdir())
    summary = verify_backup(backup, PASSPHRASE, policy=TEST_POLICY)
    assert summary.counts["session"] == 1


async def test_a_missing_backup_folder_is_told_after_unlock_not_on_the_locked_screen(
    existing_home: Path, tmp_path: Path
) -> None:
    from peerjournal.core.backup import set_auto_backup

    stick = tmp_path / "unplugged"
    stick.mkdir()
    with Journal.open(existing_home, PASSPHRASE, policy=TEST_POLICY) as j:
        set_auto_backup(j, stick, keep=2)
        j.save(Session(id=new_id(), occurred_at=now_iso(), notes="changed"))
    stick.rmdir()
    app = make_app(existing_home)
    async with app.run_test(size=(100, 32)) as pilot:
        await unlock(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert app.screen.id == "unlock"
        assert not app._notifications
        await unlock(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("No automatic backup was made" in m for m in messages)

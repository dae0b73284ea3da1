"""Drive the real app headless in its own process, one command per line on stdin.

    python -m tests.promises.tui_driver HOME

Like `peerjournal` itself, it scrubs Textual's environment variables before Textual is imported
and hardens the process; then it runs PeerJournalApp (cheap key settings) under Textual's
headless test driver and obeys commands such as::

    create PASSPHRASE | unlock PASSPHRASE | new session | focus notes | type WORDS
    save | lock | answer yes|no | search WORDS | drafts | text FIELD | sleep SECONDS
    crash WORDS | quit

Each command answers one line on stdout: "ok [detail]" or "error [detail]". The parent can
SIGKILL the process at any moment; that is the point.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from peerjournal.core.platform import harden_process
from peerjournal.tui.environment import scrub_textual_environment

scrub_textual_environment()  # before textual is imported, as the entry point does
harden_process()

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from peerjournal.tui.app import PeerJournalApp  # noqa: E402
from peerjournal.tui.screens.base import FormScreen  # noqa: E402
from peerjournal.tui.screens.dialogs import ConfirmScreen, NudgeScreen  # noqa: E402
from tests.promises.children import CHEAP_POLICY  # noqa: E402
from tests.tui.pilot import wait_until  # noqa: E402


def answer(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type like a person: one key at a time into the focused field."""
    for char in text:
        await pilot.press("space" if char == " " else char)


async def enter_passphrase(app: PeerJournalApp, pilot: Pilot[Any], widget: str, value: str) -> None:
    field = app.screen.query_one(f"#{widget}", Input)
    field.value = value
    field.focus()
    await pilot.press("enter")


async def run_command(app: PeerJournalApp, pilot: Pilot[Any], command: str, rest: str) -> str:
    """Carry out one command; return the detail of its "ok" line."""
    if command == "create":
        await wait_until(pilot, lambda: app.screen.id == "create")
        await enter_passphrase(app, pilot, "passphrase", rest)
        await enter_passphrase(app, pilot, "repeat", rest)
        await wait_until(pilot, lambda: app.screen.id == "timeline")
    elif command == "unlock":
        await wait_until(pilot, lambda: app.screen.id == "unlock")
        await enter_passphrase(app, pilot, "passphrase", rest)
        await wait_until(
            pilot, lambda: app.screen.id == "timeline" or isinstance(app.screen, ConfirmScreen)
        )
        if isinstance(app.screen, ConfirmScreen):
            return "draft offered"
    elif command == "new":
        await pilot.press({"session": "n", "reflection": "r", "checkin": "c"}[rest])
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.2)
    elif command == "focus":
        app.screen.query_one(f"#{rest}").focus()
        await pilot.pause()
    elif command == "type":
        await type_text(pilot, rest)
        await pilot.pause()
    elif command == "save":
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: form not in app.screen_stack or isinstance(app.screen, NudgeScreen)
        )
        if isinstance(app.screen, NudgeScreen):
            await pilot.press("s")  # save anyway
            await wait_until(pilot, lambda: form not in app.screen_stack)
        await app.workers.wait_for_complete()
    elif command == "lock":
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: app.screen.id == "unlock")
    elif command == "search":
        await pilot.press("slash")
        await wait_until(pilot, lambda: app.screen.query("Input").first() is not None)
        await type_text(pilot, rest)
        await pilot.pause(1.0)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
    elif command == "drafts":
        journal = app.journal
        assert journal is not None
        drafts = await asyncio.to_thread(journal.drafts)
        return str(len(drafts))
    elif command == "text":
        area = app.screen.query_one(f"#{rest}")
        return area.text if isinstance(area, TextArea) else str(getattr(area, "value", ""))
    elif command == "crash":
        note = rest  # a local a traceback "with locals" would print

        def explode() -> None:
            raise ZeroDivisionError(f"while showing {note}")

        app.call_later(explode)
        await pilot.pause(0.5)
    elif command == "answer":
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        await pilot.click(f"#{rest}")
        await wait_until(pilot, lambda: dialog not in app.screen_stack)
        if rest == "yes":
            await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.3)
    elif command == "sleep":
        await pilot.pause(float(rest))
    elif command == "quit":
        await pilot.press("escape")
        await pilot.pause()
        await app.action_quit()
    else:
        raise ValueError(f"unknown command {command}")
    return ""


async def main(home: Path) -> int:
    app = PeerJournalApp(home, policy=CHEAP_POLICY)
    loop = asyncio.get_running_loop()
    try:
        async with app.run_test(size=(110, 36)) as pilot:
            answer("ok started")
            while app.is_running:
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    break
                command, _, rest = line.rstrip("\n").partition(" ")
                try:
                    detail = await run_command(app, pilot, command, rest)
                except Exception as error:  # report, keep serving
                    answer(f"error {type(error).__name__}")
                    continue
                answer(f"ok {detail}".rstrip())
                if command == "quit":
                    break
    except ZeroDivisionError:
        pass  # the 'crash' command: the app has already printed its short message
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]))))

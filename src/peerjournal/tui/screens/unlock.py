"""Creating a journal and unlocking one.

Argon2id takes about a second by design, so both screens derive the key in a thread worker
and show a progress indicator; the UI never freezes. A wrong passphrase is met calmly with a
chance to retry; a damaged journal is named and the app exits cleanly without touching it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, LoadingIndicator, Static

from peerjournal.core.errors import JournalError, WrongPassphrase
from peerjournal.core.kdf import KdfPolicy
from peerjournal.core.passphrase import LOSS_WARNING, assess, is_weak, weak_existing_message
from peerjournal.core.printable import printable
from peerjournal.core.vault import Vault
from peerjournal.tui.calls import call
from peerjournal.tui.host import host
from peerjournal.tui.messages import JournalOpened
from peerjournal.tui.safety import PasswordInput, plain_line
from peerjournal.tui.screens.passphrase import NOT_ACCEPTED, GateScreen, StrengthMeter, rules_text

if TYPE_CHECKING:  # imported while Argon2id runs (_import_first_screen), not at launch
    from peerjournal.core.journal import Journal


class _GateScreen(GateScreen[None]):
    """Shared layout of the create and unlock screens."""


class UnlockScreen(_GateScreen):
    """Ask for the passphrase and open the journal."""

    def __init__(
        self, vault: Vault, *, journal: Journal | None = None, demo_passphrase: str | None = None
    ) -> None:
        super().__init__(id="unlock")
        self.vault = vault
        self.journal = journal  # set when re-unlocking after a lock
        self.demo_passphrase = demo_passphrase

    def compose(self) -> ComposeResult:
        with Vertical(classes="gate"):
            yield Static("peerjournal is locked", classes="gate-title")
            yield Static(plain_line(f"Journal: {printable(self.vault.home)}"), classes="gate-muted")
            if self.demo_passphrase:
                yield Static("A demo journal with made-up notes, removed when you quit.")
                yield Static(
                    plain_line(f"Its passphrase: {self.demo_passphrase}"), id="demo-passphrase"
                )
            yield Static("Passphrase", classes="field-label")
            yield PasswordInput(id="passphrase", placeholder="your passphrase")
            yield LoadingIndicator()
            yield Static("", classes="gate-status")
            yield Static("Enter unlocks · ctrl+q quits", classes="gate-muted")

    def on_mount(self) -> None:
        self.query_one("#passphrase", PasswordInput).focus()

    @on(PasswordInput.Submitted, "#passphrase")
    def submitted(self, event: PasswordInput.Submitted) -> None:
        passphrase = event.value
        self.query_one("#passphrase", PasswordInput).wipe()
        if passphrase:
            self.unlock(passphrase)

    @work(exclusive=True, group="unlock")
    async def unlock(self, passphrase: str) -> None:
        # The key derivation starts first: every moment until Argon2id begins is added to the
        # wait, while what runs beside it (it releases the GIL) costs the person nothing.
        opening = asyncio.ensure_future(
            call(self, _unlock_again, self.journal, passphrase)
            if self.journal is not None
            else call(self, _unlock_new, self.vault, passphrase)
        )
        self.set_busy(True, "Unlocking… deriving your key takes about a second.")
        # Once the busy state is drawn, the timeline's modules are imported while Argon2id
        # runs in its thread, not after it, when the person waits.
        self.call_after_refresh(_import_first_screen)
        # Whether today's rule would refuse this passphrase: estimated beside the key
        # derivation, and said once per run of the app (not at every unlock after idle).
        weak: asyncio.Future[bool] | None = None
        if not host(self).weak_passphrase_noted and not self.demo_passphrase:
            weak = asyncio.ensure_future(call(self, is_weak, passphrase))
        try:
            journal = await opening
        except WrongPassphrase:
            self.set_busy(False)
            self.say(
                "That passphrase doesn't open this journal. Take your time and try again.",
                error=True,
            )
            self.query_one("#passphrase", PasswordInput).focus()
            return
        except JournalError as error:
            host(self).exit_with_message(error.message, error.exit_code)
            return
        finally:
            del passphrase
        # The screen stays busy until the timeline replaces it: re-enabling its field now
        # would restyle a screen that is about to go, on the main thread, after Argon2id, while
        # the person waits for their notes (and show them the field again for a moment).
        if weak is not None and await weak:
            host(self).weak_passphrase_noted = True
            self.app.notify(
                weak_existing_message("Settings → Change passphrase, or 'peerjournal passwd'"),
                title="About your passphrase",
                markup=False,
                timeout=15,
            )
        self.app.post_message(JournalOpened(journal))


def _import_first_screen() -> None:
    """Import what the first screen after unlocking needs (see `UnlockScreen.unlock`)."""
    import peerjournal.core.journal  # noqa: F401
    import peerjournal.tui.screens.timeline  # noqa: F401


def _unlock_again(journal: Journal, passphrase: str) -> Journal:
    journal.unlock(passphrase)
    return journal


def _unlock_new(vault: Vault, passphrase: str) -> Journal:
    # Argon2id first, in a thread of its own; the journal's modules are imported meanwhile.
    derivation = vault.start_key_derivation(passphrase)
    from peerjournal.core.journal import Journal

    vault.unlock_with_keys(derivation.keys())
    return Journal(vault)


# Said once, calmly, where a journal is created: what this journal is, and what it is not.
OFFICIAL_RECORD_BOUNDARY = "A private practice journal, not your organisation's record."


class CreateScreen(_GateScreen):
    """First run: choose a passphrase (twice) and create the journal.

    The rules are on screen from the start, and the meter's words appear under the field; on
    a short terminal (under 30 rows, e.g. 80x24) the fields and the button are one row each,
    so everything fits without scrolling.
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, home: Path, policy: KdfPolicy) -> None:
        super().__init__(id="create")
        self.home = home
        self.policy = policy

    def compose(self) -> ComposeResult:
        with Vertical(classes="gate"):
            yield Static("Create your private journal", classes="gate-title")
            yield Static(
                plain_line(f"It will live in {printable(self.home)}"), classes="gate-muted"
            )
            yield Static(LOSS_WARNING, id="loss-warning")
            yield Static(rules_text(), id="rules", classes="gate-muted")
            yield Static(OFFICIAL_RECORD_BOUNDARY, id="boundary", classes="gate-muted")
            yield Static("New passphrase", classes="gate-label")
            yield PasswordInput(id="passphrase", placeholder="several words you will remember")
            yield StrengthMeter(self.policy, id="strength")
            yield Static("The same passphrase again", classes="gate-label")
            yield PasswordInput(id="repeat")
            yield LoadingIndicator()
            yield Static("", classes="gate-status")
            with Center():
                yield Button("Create journal", id="create-button", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#passphrase", PasswordInput).focus()

    @on(PasswordInput.Changed, "#passphrase")
    def strength(self, event: PasswordInput.Changed) -> None:
        self.query_one(StrengthMeter).show_for(event.value)

    @on(PasswordInput.Submitted, "#passphrase")
    def next_field(self) -> None:
        self.query_one("#repeat", PasswordInput).focus()

    @on(PasswordInput.Submitted, "#repeat")
    @on(Button.Pressed, "#create-button")
    def submit(self) -> None:
        self.check_and_create()

    @work(exclusive=True, group="create-check")
    async def check_and_create(self) -> None:
        """Apply the rule (in a worker: the estimator takes a moment), then create."""
        first = self.query_one("#passphrase", PasswordInput)
        second = self.query_one("#repeat", PasswordInput)
        assessment = await call(self, assess, first.value)
        if not assessment.acceptable:
            self.say(NOT_ACCEPTED, error=True)
            first.focus()
            return
        if first.value != second.value:
            self.say("The two passphrases differ. Please type them again.", error=True)
            second.wipe()
            second.focus()
            return
        passphrase = first.value
        first.wipe()
        second.wipe()
        self.create(passphrase)

    @work(exclusive=True, group="create")
    async def create(self, passphrase: str) -> None:
        self.set_busy(True, "Creating your journal… tuning the key derivation to this computer.")
        from peerjournal.core.journal import Journal

        try:
            journal = await call(self, Journal.create, self.home, passphrase, policy=self.policy)
        except JournalError as error:
            self.set_busy(False)
            self.say(error.message, error=True)
            return
        finally:
            del passphrase
        self.set_busy(False)
        self.app.post_message(JournalOpened(journal))

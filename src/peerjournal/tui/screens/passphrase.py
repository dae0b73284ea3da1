"""Choosing a passphrase in the app: the strength meter, and the change-passphrase screen.

Both the create screen and the change screen apply the same rule as `init` and `passwd`
(`core.passphrase.assess`): at least 12 characters and zxcvbn's top score. The rules are on
screen before anything is typed; the meter then says, in words, why a passphrase is refused
(zxcvbn's warning and one suggestion) and how long it would take to guess at this journal's
key-derivation cost. The estimate runs in a thread worker (it takes up to ~0.1 s on long
input), so typing never waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, LoadingIndicator, Static

from peerjournal.core.errors import JournalError, WrongPassphrase
from peerjournal.core.kdf import KdfPolicy
from peerjournal.core.passphrase import (
    MIN_LENGTH,
    PASSPHRASE_RULES,
    Assessment,
    assess,
    meter_text,
    seconds_per_guess,
)
from peerjournal.tui.calls import call
from peerjournal.tui.host import host
from peerjournal.tui.safety import PasswordInput, plain

if TYPE_CHECKING:  # the unlock screen imports this module at launch
    from peerjournal.core.journal import Journal

# Said when a passphrase the meter has explained is submitted anyway (the meter says why).
NOT_ACCEPTED = "Not accepted: choose a stronger passphrase (the words above say why)."


class StrengthMeter(Static):
    """One or a few lines under a new-passphrase field: the estimate, in words."""

    DEFAULT_CSS = """
    StrengthMeter {
        height: auto;
        color: $text-muted;
    }
    StrengthMeter.-refused {
        color: $warning;
    }
    """

    def __init__(self, policy: KdfPolicy, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.policy = policy
        self._per_guess: float | None = None

    def show_for(self, passphrase: str) -> None:
        """Rate `passphrase` (a short one at once, a longer one in a worker)."""
        if not passphrase:
            self.update("")
            self.remove_class("-refused")
            return
        if len(passphrase) < MIN_LENGTH:
            self._show(assess(passphrase), 1.0)  # "too short" needs no estimator
            return
        self._estimate(passphrase)

    @work(exclusive=True, group="strength-meter", exit_on_error=False)
    async def _estimate(self, passphrase: str) -> None:
        if self._per_guess is None:
            self._per_guess = await call(self, seconds_per_guess, self.policy)
        assessment = await call(self, assess, passphrase)
        self._show(assessment, self._per_guess)

    def _show(self, assessment: Assessment, per_guess: float) -> None:
        self.update(plain(meter_text(assessment, per_guess)))
        self.set_class(not assessment.acceptable, "-refused")


ResultT = TypeVar("ResultT")


def rules_text() -> str:
    return f"Rules: {PASSPHRASE_RULES}"


class GateScreen(Screen[ResultT]):
    """A screen that asks for passphrases (create, unlock, change): a `.gate` box with a
    LoadingIndicator and a `.gate-status` line, busy while the key is derived."""

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.query_one(".gate").set_class(busy, "busy")
        for widget in self.query(PasswordInput):
            widget.disabled = busy
        for button in self.query(Button):
            button.disabled = busy
        self.say(message)

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one(".gate-status", Static)
        status.update(plain(message))
        status.set_class(error, "error")


class ChangePassphraseScreen(GateScreen[bool]):
    """Settings → Change passphrase: the current one, a new one twice; re-keys the journal.

    Dismisses with True once the journal has been re-keyed, False when left unchanged.
    """

    BINDINGS = [Binding("escape", "leave", "Leave")]

    def __init__(self, journal: Journal, policy: KdfPolicy | None = None) -> None:
        super().__init__(id="change-passphrase")
        self.journal = journal
        self.policy = policy

    def _policy(self) -> KdfPolicy:
        return self.policy if self.policy is not None else host(self).policy

    def compose(self) -> ComposeResult:
        with Vertical(classes="gate"):
            yield Static("Change your passphrase", classes="gate-title")
            yield Static(
                "The journal is re-encrypted under the new one; the old one stops working. "
                "Backups made before keep the old passphrase.",
                classes="gate-muted",
            )
            yield Static(rules_text(), id="rules", classes="gate-muted")
            yield Static("Current passphrase", classes="change-label")
            yield PasswordInput(id="current", compact=True)
            yield Static("New passphrase", classes="change-label")
            yield PasswordInput(
                id="new", placeholder="several words you will remember", compact=True
            )
            yield StrengthMeter(self._policy(), id="strength")
            yield Static("The new passphrase again", classes="change-label")
            yield PasswordInput(id="repeat", compact=True)
            yield LoadingIndicator()
            yield Static("", classes="gate-status")
            with Center():
                yield Button(
                    "Change passphrase", id="change-button", variant="primary", compact=True
                )

    def on_mount(self) -> None:
        self.query_one("#current", PasswordInput).focus()

    @on(PasswordInput.Changed, "#new")
    def _rate(self, event: PasswordInput.Changed) -> None:
        self.query_one(StrengthMeter).show_for(event.value)

    @on(PasswordInput.Submitted, "#current")
    def _to_new(self) -> None:
        self.query_one("#new", PasswordInput).focus()

    @on(PasswordInput.Submitted, "#new")
    def _to_repeat(self) -> None:
        self.query_one("#repeat", PasswordInput).focus()

    @on(PasswordInput.Submitted, "#repeat")
    @on(Button.Pressed, "#change-button")
    def _submit(self) -> None:
        self.change()

    def action_leave(self) -> None:
        if not self.query_one(".gate").has_class("busy"):
            self.dismiss(False)

    @work(exclusive=True, group="change-passphrase")
    async def change(self) -> None:
        current = self.query_one("#current", PasswordInput)
        new = self.query_one("#new", PasswordInput)
        repeat = self.query_one("#repeat", PasswordInput)
        assessment = await call(self, assess, new.value)
        if not assessment.acceptable:
            self.say(NOT_ACCEPTED, error=True)
            new.focus()
            return
        if new.value != repeat.value:
            self.say("The two new passphrases differ. Please type them again.", error=True)
            repeat.wipe()
            repeat.focus()
            return
        old, chosen = current.value, new.value
        for field in (current, new, repeat):
            field.wipe()
        self.set_busy(True, "Re-encrypting the journal with the new passphrase…")
        try:
            await call(self, self.journal.change_passphrase, chosen, self._policy(), current=old)
        except WrongPassphrase:
            self.set_busy(False)
            self.say("The current passphrase is not right; nothing was changed.", error=True)
            current.focus()
            return
        except JournalError as error:
            self.set_busy(False)
            self.say(error.message, error=True)
            return
        finally:
            del old, chosen
        self.set_busy(False)
        self.app.notify(
            "Passphrase changed. The old one no longer opens this journal.", markup=False
        )
        self.dismiss(True)

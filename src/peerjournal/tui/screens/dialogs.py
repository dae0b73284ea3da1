"""Small modal dialogs: confirm, and the identifier nudge."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from peerjournal.core.exchange import PLAINTEXT_WARNING
from peerjournal.core.identifiers import IdentifierHint
from peerjournal.core.printable import printable
from peerjournal.tui.safety import plain

# In every dialog, left and right move between the buttons (as tab and shift+tab do).
_ARROWS = [
    Binding("left", "app.focus_previous", "Previous button", show=False),
    Binding("right", "app.focus_next", "Next button", show=False),
]


class ConfirmScreen(ModalScreen[bool | str]):
    """Ask a yes/no question; dismisses with True only for an explicit yes (or with the id of
    the `extra` button, when there is one and it is pressed)."""

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
        *_ARROWS,
    ]

    def __init__(
        self,
        question: str,
        *,
        yes: str = "Yes",
        no: str = "Cancel",
        danger: bool = False,
        focus_yes: bool = False,
        extra: tuple[str, str] | None = None,
    ) -> None:
        """`focus_yes` when yes is the safe answer (keeping a draft, say); `extra` is a third
        button (id, label) between no and yes."""
        super().__init__(classes="dialog-screen")
        self._question, self._yes, self._no, self._danger = question, yes, no, danger
        self._focus_yes = focus_yes
        self._extra = extra

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self._question), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._no, id="no")
                if self._extra is not None:
                    yield Button(self._extra[1], id=self._extra[0], variant="primary")
                yield Button(self._yes, id="yes", variant="error" if self._danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self._focus_yes else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if self._extra is not None and event.button.id == self._extra[0]:
            self.dismiss(self._extra[0])
            return
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def discard_changes_dialog(*, offer_save: bool = False) -> ConfirmScreen:
    """The one question asked before leaving a screen with unsaved changes: True to discard,
    False to keep editing, or (with `offer_save`) "save"."""
    return ConfirmScreen(
        "Leave without saving? Your changes will be lost.",
        yes="Discard",
        no="Keep editing",
        danger=True,
        extra=("save", "Save") if offer_save else None,
    )


class NudgeScreen(ModalScreen[bool]):
    """A gentle warning about likely identifiers. True = save anyway, False = go back and edit.

    Never a blocker: the supporter decides.
    """

    BINDINGS = [
        Binding("escape", "edit", "Edit"),
        Binding("s", "save", "Save anyway"),
        *_ARROWS,
    ]

    INTRO = (
        "This entry may contain details that identify someone. Notes stay safer "
        "with aliases and the minimum necessary."
    )

    def __init__(self, hints: list[tuple[str, IdentifierHint]], *, intro: str = INTRO) -> None:
        """`hints` pairs a field label with each hint found in that field."""
        super().__init__(classes="dialog-screen")
        self._hints = hints
        self._intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._intro, classes="dialog-text", markup=False)
            lines = []
            for label, hint in self._hints[:8]:
                lines.append(f"• {label}: {hint.message}  “{hint.text}”")
            if len(self._hints) > 8:
                lines.append(f"• …and {len(self._hints) - 8} more.")
            yield Static(plain("\n".join(lines)), classes="dialog-list")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Edit", id="edit", variant="primary")
                yield Button("Save anyway", id="save")

    def on_mount(self) -> None:
        self.query_one("#edit", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "save")

    def action_edit(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        self.dismiss(True)


def plaintext_consent(path: Path, exists: bool, *, verb: str) -> ConfirmScreen:
    """The one question every plaintext file written from the app asks first: the
    PLAINTEXT_WARNING, whether `path` will be replaced, and `verb` ("Export", "Save")."""
    question = PLAINTEXT_WARNING.format(where=f" to {printable(path)}")
    if exists:
        question += f"\n\n{printable(path.name)} already exists and will be replaced."
    return ConfirmScreen(
        f"{question}\n\n{verb} anyway?",
        yes=f"Replace and {verb.lower()}" if exists else verb,
        no="Cancel",
        danger=True,
    )

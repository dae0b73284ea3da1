"""Helpers for driving the record forms and the entry view under Pilot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Select, Static, TextArea

from peerjournal.core.journal import Journal
from peerjournal.tui.screens.dialogs import NudgeScreen
from peerjournal.tui.screens.forms import FORMS
from tests.tui.harness import HarnessApp
from tests.tui.pilot import wait_until

# Text that must stay words: markup that would run an action, markup that would style,
# a lone bracket, and an OSC 52 clipboard write (control characters are stripped on save).
HOSTILE = "[@click=app.quit]x[/] [bold]loud[/bold] a lone [ and \x1b]52;c;aGk=\x07 end"
HOSTILE_STORED = "[@click=app.quit]x[/] [bold]loud[/bold] a lone [ and ]52;c;aGk= end"


async def save_form(pilot: Pilot[Any], *, through_nudge: bool = True) -> None:
    """ctrl+s, answering 'Save anyway' if the identifier nudge appears; wait for the form to go."""
    form = pilot.app.screen
    await pilot.press("ctrl+s")

    def done() -> bool:
        return form not in pilot.app.screen_stack or isinstance(pilot.app.screen, NudgeScreen)

    await wait_until(pilot, done, "the form to save")
    if isinstance(pilot.app.screen, NudgeScreen):
        assert through_nudge, "unexpected identifier nudge"
        await pilot.press("s")
        await wait_until(pilot, lambda: form not in pilot.app.screen_stack, "the form to close")
    await pilot.pause()


def field(screen: Screen[Any], name: str) -> Widget:
    return screen.query_one(f"#{name}", Widget)


def set_field(screen: Screen[Any], name: str, value: Any) -> None:
    widget = field(screen, name)
    if isinstance(widget, TextArea):
        widget.load_text(value)
    else:
        widget.value = value  # type: ignore[attr-defined]


def get_field(screen: Screen[Any], name: str) -> Any:
    widget = field(screen, name)
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select) and widget.is_blank():
        return None
    return widget.value  # type: ignore[attr-defined]


def text_fields(screen: Screen[Any]) -> list[str]:
    """Ids of every free-text field of a form (Inputs that take words, and TextAreas)."""
    ids = []
    for widget in screen.query(".form-body Input, .form-body TextArea"):
        not_words = widget.id in (None, "duration") or widget.id.endswith(
            ("_date", "_time", "_due", "_on")
        )
        if not not_words:
            ids.append(widget.id)
    return ids


def shown_text(screen: Screen[Any]) -> str:
    """Everything the Static widgets of a screen show, as plain text."""
    parts = []
    for widget in screen.query(Static):
        visual = widget.visual
        parts.append(getattr(visual, "plain", str(visual)))
    return "\n".join(parts)


def form_app(journal: Journal, kind: str, **kwargs: Any) -> HarnessApp:
    kwargs.setdefault("known_aliases", [])
    return HarnessApp(lambda: FORMS[kind](journal, **kwargs))


class OpenFormApp(HarnessApp):
    """A harness that, like PeerJournalApp, can open a record's form (every HarnessApp can)."""

    def __init__(self, journal: Journal, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__(make_screen, journal=journal)


def choose_checkin_scales(form: Screen[Any]) -> None:
    """A check-in needs its three numbers chosen (none is pre-selected): choose 3 where unset."""
    from peerjournal.tui.screens.checkin_form import ScaleInput

    for scale in form.query(ScaleInput):
        if scale.value is None:
            scale.value = 3

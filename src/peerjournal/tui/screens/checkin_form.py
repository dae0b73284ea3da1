"""The check-in form: the supporter's own mood, energy and stress (1-5) and self-care.

Made to take a few keystrokes: it opens on mood; pressing 1-5 on a scale sets it and moves on
to the next one; after stress comes the self-care line, where enter saves. "c 4 2 3 enter" is
a whole check-in. No value is chosen beforehand: a check-in says how you are, so each number is
a conscious choice, and saving asks for the ones still missing.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from peerjournal.core.models import CheckIn, Record
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    date_time_fields,
    describe_moment,
    field_label,
    moment_from_fields,
    now_fields,
    split_moment,
)
from peerjournal.tui.screens.record_form import RecordForm

SCALE_MIN, SCALE_MAX = 1, 5
_LABEL_WIDTH = 9
_CELL_WIDTH = 4  # " 3 " and a space


class ScaleInput(Widget, can_focus=True):
    """A 1-5 scale on one line: a digit sets it and moves on, left/right nudge it, enter moves
    on, and a click on a number sets it. None until chosen."""

    DEFAULT_CSS = """
    ScaleInput {
        height: 1;
        width: 1fr;
        margin-top: 1;
        padding: 0 1;
    }
    ScaleInput:focus {
        background: $boost;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("left,minus", "nudge(-1)", "Less", show=False),
        Binding("right,plus", "nudge(1)", "More", show=False),
    ]

    value: reactive[int | None] = reactive(None)

    def __init__(
        self,
        label: str,
        low: str,
        high: str,
        *,
        id: str,  # noqa: A002
        minimum: int = SCALE_MIN,
        maximum: int = SCALE_MAX,
        caption: bool = True,
    ) -> None:
        """A scale from `minimum` to `maximum` (at most 10: "1" then "0" is 10). Without
        `caption`, the meaning of its ends ("1 = low … 5 = good") is said elsewhere."""
        super().__init__(id=id)
        self.label, self.low, self.high = label, low, high
        self.minimum, self.maximum, self.caption = minimum, maximum, caption
        self._label_width = _LABEL_WIDTH if label else 0
        self._after_one = False  # "1" was the last key: a "0" now makes 10

    def render(self) -> Text:
        line = Text(self.label.ljust(self._label_width), no_wrap=True, overflow="ellipsis")
        for n in range(self.minimum, self.maximum + 1):
            style = "reverse bold" if n == self.value else ("dim" if self.value is not None else "")
            line.append(f"{n:^3}", style=style)
            line.append(" ")
        if self.caption:
            line.append(
                f" {self.minimum} = {self.low} … {self.maximum} = {self.high}", style="italic"
            )
        return line

    def on_key(self, event: events.Key) -> None:
        # Digits and enter are handled here rather than as bindings: bindings run in the app
        # once a key has bubbled up, by which time a quick "4 2 5 a walk" has moved the focus
        # on, and the words typed ahead would be lost. Keys that arrive after the focus has
        # left this scale are passed on to wherever the cursor is now.
        # (`has_focus` lags behind: it changes when the Blur event, queued behind these keys,
        # is handled; the screen knows at once.)
        focused = self.screen.focused
        if focused is not self:
            if focused is not None:
                event.stop()
                event.prevent_default()
                # Tab moves on from where the cursor is now (a key posted to a widget does
                # not run the screen's bindings); anything else is typed there.
                if event.key == "tab":
                    self.screen.focus_next()
                elif event.key == "shift+tab":
                    self.screen.focus_previous()
                else:
                    focused.post_message(events.Key(event.key, event.character))
            return
        if event.character and event.character.isdigit():
            event.stop()
            event.prevent_default()
            digit = int(event.character)
            after_one, self._after_one = self._after_one, False
            if after_one and digit == 0 and self.maximum >= 10:
                self.value = 10
                self.screen.focus_next()
            elif self.minimum <= digit <= self.maximum:
                self.value = digit
                if digit == 1 and self.maximum >= 10:
                    self._after_one = True  # 1, or the start of 10: enter moves on
                else:
                    self.screen.focus_next()
            else:
                self.app.bell()
        elif event.key == "enter":
            self._after_one = False
            event.stop()
            event.prevent_default()
            self.screen.focus_next()

    def action_nudge(self, step: int) -> None:
        self._after_one = False
        if self.value is None:  # the first nudge starts from the middle
            self.value = (self.minimum + self.maximum) // 2
            return
        self.value = min(self.maximum, max(self.minimum, self.value + step))

    def on_click(self, event: events.Click) -> None:
        offset = event.x - self.styles.padding.left - self._label_width
        if offset >= 0 and offset % _CELL_WIDTH < _CELL_WIDTH - 1:
            chosen = offset // _CELL_WIDTH + self.minimum
            if self.minimum <= chosen <= self.maximum:
                self.value = chosen

    def validate_value(self, value: int | None) -> int | None:
        return None if value is None else min(self.maximum, max(self.minimum, int(value)))


SCALES: tuple[tuple[str, str, str], ...] = (
    ("mood", "low", "good"),
    ("energy", "drained", "full"),
    ("stress", "calm", "overwhelmed"),
)
PAYLOAD_IDS: tuple[str, ...] = ("mood", "energy", "stress", "self_care", "at_date", "at_time")


class CheckInForm(RecordForm):
    """A quick check-in (or edit one); dismisses with the saved CheckIn, or None."""

    DRAFT_KIND = "checkin"
    SCREEN_ID = "checkin-form"
    TITLE_TEXT = "Check-in: how are you doing?"
    FIRST_FIELD = "#mood"
    PAYLOAD_IDS = PAYLOAD_IDS

    def compose_fields(self) -> ComposeResult:
        yield Static(
            "Press 1-5 on each line (it moves on by itself), then a few words and enter.",
            classes="pj-hint",
            markup=False,
        )
        for name, low, high in SCALES:
            yield ScaleInput(FIELD_LABELS[name], low, high, id=name)
        yield field_label(FIELD_LABELS["self_care"])
        yield Input(id="self_care", placeholder="a walk, a call with a friend, an early night…")
        # Now by default; change it to note a check-in from earlier (after the self-care line,
        # so "c 4 2 5 a walk enter" never passes through it).
        day, clock = now_fields()
        with Horizontal(classes="pj-row"):
            yield from date_time_fields("at", day, clock)

    async def prepare(self) -> None:
        if isinstance(self.record, CheckIn):
            self.set_title(f"Edit check-in of {describe_moment(self.record.at)}")
            if self._draft_payload is None:
                day, clock = split_moment(self.record.at)
                values = {name: getattr(self.record, name) for name in PAYLOAD_IDS[:4]}
                self.load_payload({**values, "at_date": day, "at_time": clock})

    @on(Input.Submitted, "#self_care")
    def _submitted(self) -> None:
        self.action_save()

    def missing(self) -> tuple[str, str] | None:
        values = self.read_payload()
        for name, _, _ in SCALES:
            if values[name] is None:
                return f"{FIELD_LABELS[name]}: press a number from 1 to 5.", f"#{name}"
        return None

    def nudge_texts(self) -> list[tuple[str, str]]:
        text = self.read_payload()["self_care"]
        return [(FIELD_LABELS["self_care"], text)] if text.strip() else []

    def build_record(self) -> Record:
        values = self.read_payload()
        original = self.record.at if isinstance(self.record, CheckIn) else None
        at = moment_from_fields(values["at_date"], values["at_time"], original)
        return CheckIn(
            id=self.record_id,
            at=at,
            mood=values["mood"],
            energy=values["energy"],
            stress=values["stress"],
            self_care=values["self_care"],
        )

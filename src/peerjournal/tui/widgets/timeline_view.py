"""TimelineView: the journal's entries, newest first, rendered line by line.

It follows Textualize/toolong's shape rather than ListView's: a ScrollView that paints only the
visible lines from a list of small TimelineItems, and asks for the next page (by keyset cursor)
only when the cursor or the scroll position comes near the end of what is loaded. No widget per
entry, no count(*) over the journal, no row loaded before it is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from peerjournal.core.journal import TimelineItem
from peerjournal.core.sanitize import sanitize_line

LINES_PER_ITEM = 2
# End loads older pages until the oldest entry, or until this many more are loaded (a long
# journal is never all in memory; End again goes further).
END_LOAD_ITEMS = 1000


def friendly_when(when: str) -> str:
    """'Thu 20 Nov 2026 14:00' (local time) or 'Thu 20 Nov 2026' for date-only records."""
    try:
        if "T" in when:
            moment = datetime.fromisoformat(when).astimezone()
            return moment.strftime("%a %d %b %Y %H:%M")
        return date.fromisoformat(when).strftime("%a %d %b %Y")
    except ValueError:
        return sanitize_line(when)


class TimelineView(ScrollView, can_focus=True):
    """A virtual list of timeline items with a cursor."""

    COMPONENT_CLASSES = {
        "timeline--cursor",
        "timeline--preview",
        "timeline--when",
        "timeline--alias",
    }

    DEFAULT_CSS = """
    TimelineView {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;  /* lines are cut to the width: never a horizontal scrollbar */
    }
    TimelineView > .timeline--cursor {
        background: $primary 40%;
    }
    TimelineView:focus > .timeline--cursor {
        background: $primary 70%;
    }
    TimelineView > .timeline--preview {
        color: $text-muted;
    }
    TimelineView > .timeline--when {
        color: $text-muted;
    }
    TimelineView > .timeline--alias {
        color: $accent;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "Newest", show=False),
        Binding("end,G", "last", "Oldest", show=False),
        Binding("enter", "open", "Open", show=False),  # room in the footer for Help, Quit
    ]

    cursor = reactive(0, always_update=True)

    @dataclass
    class Opened(Message):
        item: TimelineItem

    class NeedMore(Message):
        """The cursor or scroll position is near the end of the loaded items."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.items: list[TimelineItem] = []
        self.exhausted = False
        # Not `loading`: that is Textual's own reactive and covers the widget with a spinner.
        self.fetching = False
        self._end_target: int | None = None  # End pressed: keep loading up to this many
        self.empty_message = "Nothing here yet. Press n to log a session, r to reflect."

    # ---- data

    def reset(self, items: list[TimelineItem], exhausted: bool) -> None:
        self._end_target = None
        self.items = list(items)
        self.exhausted = exhausted
        self.fetching = False
        self._resize()
        self.cursor = 0
        self.scroll_to(y=0, animate=False)

    def extend(self, items: list[TimelineItem], exhausted: bool) -> None:
        self.items.extend(items)
        self.exhausted = exhausted
        self.fetching = False
        self._resize()
        self.refresh()
        if self._end_target is not None:
            if exhausted or len(self.items) >= self._end_target:
                self._end_target = None
            self.cursor = len(self.items) - 1  # on to the end (and the next page, if any)

    def _resize(self) -> None:
        # Width 0: lines are cut to whatever width there is, so nothing scrolls sideways.
        self.virtual_size = Size(0, len(self.items) * LINES_PER_ITEM)

    @property
    def selected(self) -> TimelineItem | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def _maybe_need_more(self) -> None:
        if self.exhausted or self.fetching:
            return
        visible_items = max(1, self.size.height // LINES_PER_ITEM)
        last_visible = int(self.scroll_offset.y // LINES_PER_ITEM) + visible_items
        if max(self.cursor, last_visible) >= len(self.items) - visible_items:
            self.fetching = True
            self.post_message(self.NeedMore())

    # ---- movement

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.items:
            return
        clamped = max(0, min(new, len(self.items) - 1))
        if clamped != new:
            self.cursor = clamped
            return
        top = clamped * LINES_PER_ITEM
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif top + LINES_PER_ITEM > self.scroll_offset.y + self.size.height:
            self.scroll_to(y=top + LINES_PER_ITEM - self.size.height, animate=False)
        self.refresh()
        self._maybe_need_more()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._maybe_need_more()

    def on_resize(self) -> None:
        self._resize()
        self._maybe_need_more()

    def action_move(self, delta: int) -> None:
        self.cursor = self.cursor + delta

    def action_page(self, direction: int) -> None:
        self.cursor = self.cursor + direction * max(1, self.size.height // LINES_PER_ITEM - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        """To the oldest entry: older pages load on the way (at most END_LOAD_ITEMS more)."""
        if not self.exhausted:
            self._end_target = len(self.items) + END_LOAD_ITEMS
        self.cursor = len(self.items) - 1

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Opened(self.selected))

    def on_click(self, event: object) -> None:
        offset = getattr(event, "y", None)
        if offset is None:
            return
        index = int((self.scroll_offset.y + offset) // LINES_PER_ITEM)
        if 0 <= index < len(self.items):
            if index == self.cursor and getattr(event, "chain", 1) >= 2:
                self.action_open()
            self.cursor = index

    # ---- rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        line_number = int(self.scroll_offset.y) + y
        index, part = divmod(line_number, LINES_PER_ITEM)
        if not self.items:
            if y == 1:
                return self._strip(Text("  " + self.empty_message, style="italic"), width, base)
            return Strip.blank(width, base)
        if index >= len(self.items):
            if index == len(self.items) and part == 0 and not self.exhausted:
                return self._strip(Text("  loading older entries…", style="italic"), width, base)
            return Strip.blank(width, base)
        item = self.items[index]
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("timeline--cursor")
        text = self._title_line(item) if part == 0 else self._preview_line(item)
        return self._strip(text, width, style)

    def _title_line(self, item: TimelineItem) -> Text:
        when_style = self.get_component_rich_style("timeline--when")
        line = Text(" ")
        line.append(f"{friendly_when(item.when):<22}", style=when_style)
        # User text goes in as plain strings: rich.Text never parses markup.
        title = sanitize_line(item.title)
        line.append(f"{item.label:<10} ", style="bold")  # "Supervision" fills the column: a space
        alias = sanitize_line(item.alias or "")
        if alias:
            # The title gives way, so the alias stays in sight (a safety flag makes it long).
            room = self.scrollable_content_region.width - line.cell_len - len(alias) - 2
            title = title if len(title) <= room else title[: max(room - 1, 0)] + "…"
        line.append(title)
        if alias:
            line.append("  ")
            line.append(alias, style=self.get_component_rich_style("timeline--alias"))
        return line

    def _preview_line(self, item: TimelineItem) -> Text:
        preview = sanitize_line(item.preview) or "—"
        return Text(" " * 23 + preview, style=self.get_component_rich_style("timeline--preview"))

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [
            Segment(segment.text, style + segment.style if segment.style else style)
            for segment in text.render(self.app.console)
            if segment.text != "\n"
        ]
        return Strip(segments, width).crop_extend(0, width, style)

"""PrepareSupervisionScreen: get ready for supervision, then make the digest and record it.

Everything marked for supervision and not yet discussed (reflections, confidentiality events,
any kind with a "for supervision" mark: `core.supervision.items_for_supervision`), oldest
first. Enter opens an item; space (or `b`) marks it "bring this" or "not this time" (every item
starts as "bring this"). Then `d` makes the digest (the digest screen with its review step,
from the day after the last supervision, without the items set to "not this time") and `r`
records the supervision, with the items
brought filled in. Once it is saved they are discussed and leave this list.

The choices live in memory for as long as the screen is open: nothing is stored until the
supervision is recorded.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from peerjournal.core.errors import JournalError
from peerjournal.core.journal import Journal
from peerjournal.core.models import Supervision
from peerjournal.core.sanitize import sanitize_line
from peerjournal.core.supervision import SupervisionItem, items_for_supervision, last_supervision
from peerjournal.core.words import words_for
from peerjournal.tui.calls import call
from peerjournal.tui.messages import OpenForm
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.form_fields import choice_label
from peerjournal.tui.screens.search import EntryListScreen
from peerjournal.tui.widgets.timeline_view import friendly_when

BRING = ("✓ bring this   ", "bold $text-success")
NOT_THIS_TIME = ("· not this time", "dim")
LISTED = "Marked for supervision and not yet discussed, oldest first. Enter opens one."
NOTHING_YET = (
    "Nothing is waiting for supervision. Mark a reflection, a confidentiality event or a "
    'boundary event "for supervision" and it shows here until it has been discussed.'
)


def item_content(item: SupervisionItem, bring: bool) -> Content:
    """One item on two lines: bring or not, its kind and date; then its one-line summary
    (user text literal)."""
    return Content.assemble(
        BRING if bring else NOT_THIS_TIME,
        "  ",
        (words_for(item.kind).title, "bold"),
        "  ",
        (friendly_when(item.when), "dim"),
        "\n",
        " " * 17,
        sanitize_line(item.summary),
    )


def last_text(last: Supervision | None) -> str:
    """'Last supervision: Thu 12 Nov 2026 (group).', or that there has been none yet."""
    if last is None:
        return "No supervision recorded yet: the digest covers the whole journal."
    return (
        f"Last supervision: {friendly_when(last.occurred_on)} "
        f"({choice_label('format', last.format).lower()}). The digest starts the day after."
    )


class PrepareSupervisionScreen(EntryListScreen):
    """What to bring to supervision; then the digest and the record of it."""

    BINDINGS = [
        Binding("space,b", "bring", "Bring/not", key_display="space"),
        Binding("d", "digest", "Digest"),
        Binding("r", "record", "Record it"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="prepare-supervision")
        self.journal = journal
        self.items: list[SupervisionItem] = []
        self.not_this_time: set[str] = set()  # ids; every other item is brought
        self._last_id: str | None = None  # the latest supervision when the list was read

    def compose(self) -> ComposeResult:
        yield Static("Prepare for supervision", classes="form-title")
        yield Static("", id="prepare-status")
        yield OptionList(id="prepare-list", markup=False)
        yield Static("", id="prepare-last")
        with Horizontal(id="prepare-buttons"):
            yield Button("Make the digest (d)", id="make-digest")
            yield Button("Record the supervision (r)", id="record-supervision", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#prepare-list", OptionList).focus()
        self.reload()  # and again whenever the journal changes (EntryListScreen.on_mount)

    @property
    def brought(self) -> list[str]:
        """The ids of the items to bring, oldest first."""
        return [item.id for item in self.items if item.id not in self.not_this_time]

    @work(exclusive=True, group="prepare")
    async def reload(self) -> None:
        try:
            items = await call(self, items_for_supervision, self.journal, discussed=False)
            last = await call(self, last_supervision, self.journal)
        except JournalError as error:
            notify_error(self, error)
            return
        self.items = items
        last_id = last.id if last else None
        if last_id != self._last_id:
            # A supervision was recorded meanwhile: what was left for next time is the next
            # time's to choose, afresh.
            self.not_this_time.clear()
            self._last_id = last_id
        self.not_this_time &= {item.id for item in items}
        self.query_one("#prepare-last", Static).update(Content(last_text(last)))
        self._show()

    def _show(self) -> None:
        listing = self.query_one("#prepare-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(
            Option(item_content(item, item.id not in self.not_this_time), id=item.id)
            for item in self.items
        )
        if self.items:
            listing.highlighted = min(highlighted or 0, len(self.items) - 1)
        count = len(self.brought)
        listing.border_title = f"To bring: {count} of {len(self.items)}" if self.items else ""
        status = self.query_one("#prepare-status", Static)
        if not self.items:
            status.update(Content(NOTHING_YET))
        else:
            status.update(
                Content(
                    "Marked for supervision and not yet discussed, oldest first. Enter opens one."
                )
            )

    # ---- choosing

    def action_bring(self) -> None:
        listing = self.query_one("#prepare-list", OptionList)
        option = listing.highlighted_option
        if option is None or option.id is None:
            return
        self.not_this_time ^= {option.id}
        self._show()

    @on(OptionList.OptionSelected, "#prepare-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_entry(event.option.id)

    # ---- the digest and the record

    @on(Button.Pressed, "#make-digest")
    def action_digest(self) -> None:
        from peerjournal.tui.screens.digest import DigestScreen

        self.app.push_screen(DigestScreen(self.journal, set_aside=frozenset(self.not_this_time)))

    @on(Button.Pressed, "#record-supervision")
    def action_record(self) -> None:
        self.app.post_message(OpenForm("supervision", options={"items": self.brought}))

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = [
    "PrepareSupervisionScreen",
    "item_content",
    "last_text",
]

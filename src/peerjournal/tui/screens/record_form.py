"""RecordForm: what the record forms (session, reflection, check-in, confidentiality event)
share on top of FormScreen: their layout, payloads keyed by widget id, and a first field that
has the cursor as soon as the form opens.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.widget import Widget
from textual.widgets import Static

from peerjournal.core.journal import Journal
from peerjournal.tui.safety import plain_line
from peerjournal.tui.screens.base import FormScreen
from peerjournal.tui.screens.form_fields import load_values, read_values, unique_screen_id


class RecordForm(FormScreen):
    """A FormScreen whose payload is the values of the widgets named in PAYLOAD_IDS."""

    SCREEN_ID: ClassVar[str] = ""
    PAYLOAD_IDS: ClassVar[tuple[str, ...]] = ()
    FIRST_FIELD: ClassVar[str] = ""  # selector of the field that has the cursor on opening

    # Focus is set by focus_first_field instead: Textual's auto focus runs before the layout
    # is known and scrolls the field to the top, hiding everything above it.
    AUTO_FOCUS = ""

    # Textual scopes a screen's DEFAULT_CSS to that screen (and its subclasses), so these
    # rules only reach the forms' own widgets. Scoping adds no specificity, so rules about a
    # widget type also name `.form-body`, or the widget's own DEFAULT_CSS could win the tie.
    DEFAULT_CSS = """
    .pj-label {
        color: $text-muted;
        height: 1;
    }
    .pj-row {
        height: auto;
    }
    .pj-cell {
        height: auto;
        width: 1fr;
        margin-right: 1;
    }
    /* An Input takes 6 cells of border and padding, and 1 for the cursor after the text:
       "2026-11-20" needs 17, "14:00" 12, or the field scrolls by one when focused. */
    .pj-date {
        width: 17;
        max-width: 17;
    }
    .pj-time {
        width: 12;
        max-width: 12;
    }
    .form-body TextArea {
        height: 5;
    }
    .form-body TextArea.pj-long {
        height: 8;
    }
    .pj-section {
        margin-top: 1;
        text-style: bold;
        color: $accent;
    }
    .pj-hint {
        color: $text-muted;
        height: auto;
    }
    .form-body Checkbox {
        margin-top: 1;
    }
    """

    def __init__(self, journal: Journal, **kwargs: Any) -> None:
        super().__init__(journal, **kwargs)
        screen_id = unique_screen_id(self.SCREEN_ID) if self.SCREEN_ID else None
        if screen_id:
            self.id = screen_id

    def read_payload(self) -> dict[str, Any]:
        return read_values(self, self.PAYLOAD_IDS)

    def load_payload(self, payload: dict[str, Any]) -> None:
        load_values(self, payload, self.PAYLOAD_IDS)

    @on(events.Mount)
    async def _prepare_form(self) -> None:
        # Decorated handlers of this class run before FormScreen.on_mount, which restores a
        # draft over whatever prepare() put in the fields.
        self.focus_first_field()
        await self.prepare()

    async def prepare(self) -> None:
        """Fill the fields from the record being edited, and anything else the form needs
        from the journal before it is shown (runs once, on mount)."""

    def focus_first_field(self) -> None:
        """Put the cursor in the first field without scrolling it to the top."""
        if self.FIRST_FIELD:
            self.set_focus(self.query_one(self.FIRST_FIELD, Widget), scroll_visible=False)

    def set_title(self, text: str) -> None:
        self.query_one(".form-title", Static).update(plain_line(text))

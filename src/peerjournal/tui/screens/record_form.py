"""RecordForm: what the record forms (session, reflection, check-in, confidentiality event)
share on top of FormScreen: their layout, payloads keyed by widget id, and a first field that
has the cursor as soon as the form opens.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.widget import Widget
from textual.widgets import Static

from peerjournal.core.errors import InvalidRecord
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

    # Its styles: styles/record_form.tcss (every rule starts with `RecordForm`, so it reaches
    # only the forms' own widgets, subclasses included).

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

    def alias_id_named(self, pseudonym: str) -> str | None:
        """The id of the alias called `pseudonym` (None for an empty name); a name no alias has
        is refused in words the form shows. Worker thread (it reads the journal)."""
        if not pseudonym:
            return None
        alias = self.journal.alias_by_pseudonym(pseudonym)
        if alias is None:
            raise InvalidRecord(
                f"No alias is called “{pseudonym}”. Pick one of yours (create it with a), or "
                "leave the alias empty."
            )
        return alias.id

    def focus_first_field(self) -> None:
        """Put the cursor in the first field without scrolling it to the top."""
        if self.FIRST_FIELD:
            self.set_focus(self.query_one(self.FIRST_FIELD, Widget), scroll_visible=False)

    def set_title(self, text: str) -> None:
        self.query_one(".form-title", Static).update(plain_line(text))

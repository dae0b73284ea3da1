"""The registry of record forms: which FormScreen edits which kind of record.

`PeerJournalApp.open_form(kind, ...)` looks the kind up here, so a kind with a form can be
created, edited and restored from a draft (drafts store their kind as the form's DRAFT_KIND).
"""

from __future__ import annotations

from peerjournal.tui.screens.alias_form import AliasForm
from peerjournal.tui.screens.base import FormScreen
from peerjournal.tui.screens.boundary_form import BoundaryEventForm
from peerjournal.tui.screens.checkin_form import CheckInForm
from peerjournal.tui.screens.confidentiality_form import ConfidentialityEventForm
from peerjournal.tui.screens.debrief_form import DebriefForm
from peerjournal.tui.screens.follow_up_form import FollowUpForm
from peerjournal.tui.screens.reflection_form import ReflectionForm
from peerjournal.tui.screens.session_form import SessionForm
from peerjournal.tui.screens.supervision_form import SupervisionForm

FORMS: dict[str, type[FormScreen]] = {
    "session": SessionForm,
    "reflection": ReflectionForm,
    "checkin": CheckInForm,
    "confidentiality_event": ConfidentialityEventForm,
    "alias": AliasForm,
    "follow_up": FollowUpForm,
    "debrief": DebriefForm,
    "boundary_event": BoundaryEventForm,
    "supervision": SupervisionForm,
}

__all__ = ["FORMS"]

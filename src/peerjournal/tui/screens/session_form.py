"""The session form: log or edit one support session.

Besides the session's own fields (design.md section 5) the form can, in the same save:

* link an existing alias or create a new one from the pseudonym typed in the alias field;
* add a follow-up (action, due date, owner) linked to the session and its alias.

All of that is written in one transaction, so a failed save (disk full) leaves nothing half
done. After a save, the form offers the records that naturally follow: a confidentiality event
when the limits of confidentiality were reached, a self-disclosure reflection when the
supporter shared their story, and a short debrief (last) after a safety flag or a new "this
stayed with me" tick.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from peerjournal.core.boundaries import needs_plan
from peerjournal.core.identifiers import IdentifierHint, pseudonym_hints
from peerjournal.core.journal import Journal
from peerjournal.core.models import DELETED_ALIAS_NAME, Alias, FollowUp, Record, Session, new_id
from peerjournal.core.sanitize import sanitize_line
from peerjournal.tui.calls import call
from peerjournal.tui.messages import OpenForm
from peerjournal.tui.screens.confidentiality_form import ConfidentialityEventForm
from peerjournal.tui.screens.debrief_form import DEBRIEF_OFFER, DEBRIEF_YES, DebriefForm
from peerjournal.tui.screens.dialogs import ConfirmScreen
from peerjournal.tui.screens.form_fields import (
    FIELD_LABELS,
    choice_label,
    choice_options,
    date_time_fields,
    field_label,
    format_duration,
    format_tags,
    moment_from_fields,
    now_fields,
    parse_day,
    parse_duration,
    parse_tags,
    split_moment,
)
from peerjournal.tui.screens.record_form import RecordForm
from peerjournal.tui.screens.reflection_form import ReflectionForm

# Offered as you type in the duration field (right arrow accepts): keys that arrive the same
# in every terminal, unlike alt+digit, which many terminals turn into "¡", "™", "£".
DURATION_SUGGESTIONS = ("15", "30", "45", "60", "90", "1h", "1h30", "2h")
FOLLOW_UP_DAYS = 7

# Free text, in the order of the form: (id = Session field, multi-line?).
SINGLE_LINE_TEXT = frozenset({"their_words", "referrals"})
TEXT_FIELDS: tuple[tuple[str, bool], ...] = tuple(
    (name, name not in SINGLE_LINE_TEXT) for name in Session.TEXT_FIELDS
)
CHOICE_FIELDS = ("modality", "method", "setting", "safety_flag")
FLAG_FIELDS = ("shared_my_story", "reviewed_with_person", "stayed_with_me")
PAYLOAD_IDS: tuple[str, ...] = (
    "when_date",
    "when_time",
    "duration",
    "alias",
    *CHOICE_FIELDS,
    *(name for name, _ in TEXT_FIELDS),
    *FLAG_FIELDS,
    "tags",
    "follow_up_action",
    "follow_up_due",
    "follow_up_owner",
)


@dataclass(frozen=True)
class _Companions:
    """What is saved together with the session (decided on the UI thread, saved in a worker)."""

    pseudonym: str
    follow_up: FollowUp | None


@dataclass(frozen=True)
class Offer:
    """A question asked after saving, and the form (with its pre-filled links) for a yes."""

    question: str
    yes: str
    form: type[RecordForm]
    options: dict[str, Any]


class OfferChain:
    """Once the saving form has closed, ask each question in turn, then open the forms that got
    a yes (the first one on top, so they come in the order asked).

    Forms open through the app (the OpenForm message), like any other form.
    """

    def __init__(self, app: App[Any], offers: list[Offer]) -> None:
        self._app = app
        self._questions = list(offers)
        self._accepted: list[Offer] = []

    def start(self) -> None:
        # call_later runs on the app once the current handler is done, i.e. after the form
        # that saved has been dismissed; callbacks then belong to the app, not the old form.
        self._app.call_later(self._ask_next)

    def _ask_next(self) -> None:
        if not self._questions:
            self._open_accepted()
            return
        offer = self._questions.pop(0)

        def answered(yes: bool | str | None) -> None:
            if yes:
                self._accepted.append(offer)
            self._ask_next()

        self._app.push_screen(ConfirmScreen(offer.question, yes=offer.yes, no="Not now"), answered)

    def _open_accepted(self) -> None:
        # The app opens them in the order asked for, each on top of the one before.
        for offer in reversed(self._accepted):
            self._app.post_message(OpenForm(offer.form.DRAFT_KIND, options=offer.options))


DURATION_CHARACTERS = r"[0-9A-Za-z.,: ]*"


class SessionForm(RecordForm):
    """Log or edit a session; dismisses with the saved Session, or None."""

    DRAFT_KIND = "session"
    SCREEN_ID = "session-form"
    TITLE_TEXT = "New session"
    FIRST_FIELD = "#goal_focus"
    PAYLOAD_IDS = PAYLOAD_IDS

    def __init__(self, journal: Journal, *, alias_id: str | None = None, **kwargs: Any) -> None:
        """`alias_id` pre-fills the alias (a new session started from an alias)."""
        self._known: list[str] = []
        super().__init__(journal, **kwargs)
        self._preset_alias_id = alias_id
        self._companions = _Companions("", None)
        # Casefolded pseudonym -> the calm line for an alias with a dual relationship.
        self._dual: dict[str, str] = {}

    # The pseudonym being typed counts as a known alias, so "River said" in the notes of a
    # session with the new alias River is not flagged as a name.
    @property
    def known_aliases(self) -> list[str]:
        typed = self._typed_pseudonym()
        return [*self._known, typed] if typed else list(self._known)

    @known_aliases.setter
    def known_aliases(self, names: list[str]) -> None:
        self._known = [sanitize_line(name) for name in names if sanitize_line(name)]

    def _typed_pseudonym(self) -> str:
        try:
            return sanitize_line(self.query_one("#alias", Input).value)
        except NoMatches:  # not composed yet
            return ""

    # ---- layout

    def compose_fields(self) -> ComposeResult:
        day, clock = now_fields()
        with Horizontal(classes="pj-row"):
            yield from date_time_fields("when", day, clock)
            with Vertical(classes="pj-cell pj-duration"):
                yield field_label("Duration (45, 1h30, 90m; → accepts)")
                yield Input(
                    id="duration",
                    placeholder="e.g. 45",
                    max_length=12,
                    # Only what a duration is written with: alt+4 arrives as "¢" in many
                    # terminals (seen through tmux), and that must not land in the field.
                    restrict=DURATION_CHARACTERS,
                    suggester=SuggestFromList(DURATION_SUGGESTIONS),
                )
        with Horizontal(classes="pj-row"):
            for name in CHOICE_FIELDS[:3]:
                with Vertical(classes="pj-cell"):
                    yield field_label(FIELD_LABELS[name])
                    yield Select(choice_options(name), id=name, allow_blank=False)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell pj-alias"):
                yield field_label("Alias (pick one or type a new pseudonym)")
                yield Input(
                    id="alias",
                    placeholder="e.g. River (empty for a group)",
                    max_length=200,
                    suggester=SuggestFromList(self._known, case_sensitive=False),
                )
            with Vertical(classes="pj-cell"):
                yield field_label(FIELD_LABELS["safety_flag"])
                yield Select(choice_options("safety_flag"), id="safety_flag", allow_blank=False)
        yield Static("", id="alias_status", classes="pj-hint", markup=False)
        for name, multi_line in TEXT_FIELDS:
            yield field_label(FIELD_LABELS[name])
            if multi_line:
                yield TextArea(id=name, classes="pj-long" if name == "notes" else "")
            else:
                yield Input(id=name)
        with Horizontal(classes="pj-row"):
            for name in FLAG_FIELDS:
                yield Checkbox(FIELD_LABELS[name], id=name)
        yield field_label("Tags (comma-separated)")
        yield Input(id="tags", placeholder="e.g. housing, benefits")
        yield Static(
            "Follow-up (optional)", id="follow_up_title", classes="pj-section", markup=False
        )
        # When editing: the follow-ups this session already has (changed on the follow-ups
        # screen, f); the fields below add another.
        yield Static("", id="session_follow_ups", classes="pj-hint", markup=False)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield field_label("Action")
                yield Input(id="follow_up_action", placeholder="what needs doing")
            with Vertical(classes="pj-cell pj-date"):
                yield field_label("Due")
                due = (date.today() + timedelta(days=FOLLOW_UP_DAYS)).isoformat()
                yield Input(
                    due,
                    id="follow_up_due",
                    placeholder="YYYY-MM-DD",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
            with Vertical(classes="pj-cell pj-owner"):
                yield field_label("Owner")
                yield Select(choice_options("owner"), id="follow_up_owner", allow_blank=False)

    async def prepare(self) -> None:
        aliases = await call(self, self.journal.list_aliases)
        today = getattr(self.app, "today", date.today)()  # tests fix the app's today
        self._dual = {
            a.pseudonym.casefold(): dual_relationship_line(a, today)
            for a in aliases
            if a.has_dual_relationship
        }
        if isinstance(self.record, Session):
            self.set_title("Edit session")
            if self._draft_payload is None:
                pseudonym = await self._pseudonym_of(self.record.alias_id)
                self.load_payload(payload_from_session(self.record, pseudonym))
            await self._show_follow_ups(self.record.id)
        elif self._preset_alias_id and self._draft_payload is None:
            self.query_one("#alias", Input).value = await self._pseudonym_of(self._preset_alias_id)
        self._show_alias_status()

    async def _show_follow_ups(self, session_id: str) -> None:
        follow_ups = await call(self, self.journal.follow_ups, session_id=session_id, status=None)
        if not follow_ups:
            return
        lines = [f"• {describe_follow_up(f)}" for f in sorted(follow_ups, key=lambda f: f.due_on)]
        self.query_one("#follow_up_title", Static).update(
            Content("Follow-ups of this session (change them with f)")
        )
        self.query_one("#session_follow_ups", Static).update("\n".join(lines) + "\nAdd another:")

    async def _pseudonym_of(self, alias_id: str | None) -> str:
        if not alias_id:
            return ""
        names = await call(self, self.journal.alias_names)
        return names.get(alias_id, "")

    # ---- behaviour

    @on(Input.Changed, "#alias")
    def _alias_changed(self) -> None:
        self._show_alias_status()

    def _show_alias_status(self) -> None:
        typed = self._typed_pseudonym().casefold()
        if not typed:
            status = "No alias: fine for a group session."
        elif typed in self._dual:
            status = self._dual[typed]
        elif typed in {name.casefold() for name in self._known}:
            status = "Existing alias."
        elif typed.startswith(DELETED_ALIAS_NAME + " "):
            status = "An alias that was deleted: the session keeps this mark."
        else:
            status = "New alias: it will be created when you save."
        self.query_one("#alias_status", Static).update(status)

    # ---- FormScreen contract

    def nudge_texts(self) -> list[tuple[str, str]]:
        values = self.read_payload()
        texts = [("Alias", values["alias"])]
        texts += [(FIELD_LABELS[name], values[name]) for name, _ in TEXT_FIELDS]
        texts += [("Tags", values["tags"]), ("Follow-up", values["follow_up_action"])]
        return [(label, text) for label, text in texts if text.strip()]

    def identifier_hints(self) -> list[tuple[str, IdentifierHint]]:
        # A new pseudonym counts as an alias in the notes, so it is checked here on its own:
        # "John Smith" typed as a new alias is most likely a real name.
        typed = self._typed_pseudonym()
        hints = super().identifier_hints()
        if typed and typed.casefold() not in {name.casefold() for name in self._known}:
            hints = [("New alias", hint) for hint in pseudonym_hints(typed, self._known)] + hints
        return hints

    def missing(self) -> tuple[str, str] | None:
        values = self.read_payload()
        written = ("alias", "duration", "tags", "follow_up_action", *(n for n, _ in TEXT_FIELDS))
        if (
            any(str(values[name]).strip() for name in written)
            or any(values[name] for name in FLAG_FIELDS)
            or values["safety_flag"] not in (None, "none")
        ):
            return None
        return (
            "Nothing to save yet: write what happened (Goal focus, Support offered or Notes), "
            "or pick an alias.",
            "#goal_focus",
        )

    def build_record(self) -> Record:
        values = self.read_payload()
        editing = self.record if isinstance(self.record, Session) else None
        occurred_at = moment_from_fields(
            values["when_date"], values["when_time"], editing.occurred_at if editing else None
        )
        follow_up = None
        if values["follow_up_action"].strip():
            due = parse_day(values["follow_up_due"], "Follow-up due date")
            follow_up = FollowUp(
                id=new_id(),
                due_on=due.isoformat(),
                action=values["follow_up_action"].strip(),
                owner=values["follow_up_owner"] or "me",
            )
        self._companions = _Companions(sanitize_line(values["alias"]), follow_up)
        created_at = editing.created_at if editing else ""
        fields: dict[str, Any] = {name: values[name] for name in CHOICE_FIELDS}
        fields.update((name, values[name]) for name, _ in TEXT_FIELDS)
        fields.update((name, bool(values[name])) for name in FLAG_FIELDS)
        return Session(
            id=self.record_id,
            occurred_at=occurred_at,
            duration_min=parse_duration(values["duration"]),
            tags=parse_tags(values["tags"]),
            created_at=created_at,
            **fields,
        )

    def persist(self, record: Record) -> Record:
        """Alias (found or created), session and follow-up, all or nothing. Worker thread."""
        assert isinstance(record, Session)
        companions = self._companions
        journal = self.journal
        with journal.transaction():
            record.alias_id = None
            if companions.pseudonym:
                alias = journal.alias_by_pseudonym(companions.pseudonym)
                if alias is None:
                    alias = journal.save(Alias(id=new_id(), pseudonym=companions.pseudonym))
                record.alias_id = alias.id
            saved = journal.save(record)
            if companions.follow_up is not None:
                journal.save(
                    replace(companions.follow_up, session_id=saved.id, alias_id=saved.alias_id)
                )
        return saved

    def after_save(self, record: Record) -> None:
        assert isinstance(record, Session)
        before = self.record if isinstance(self.record, Session) else None
        offers: list[Offer] = []
        # A short debrief after a new safety flag or a new "this stayed with me" tick: asked
        # last, and once (the event form opened from here does not ask again).
        flagged = record.safety_flag != "none" and (
            before is None or before.safety_flag != record.safety_flag
        )
        stayed = record.stayed_with_me and (before is None or not before.stayed_with_me)
        debrief = flagged or stayed
        if record.safety_flag == "limits_reached" and (
            before is None or before.safety_flag != "limits_reached"
        ):
            offers.append(
                Offer(
                    "This session reached the limits of confidentiality. Follow your "
                    "organisation's procedure and record it in the official system; this note "
                    "is for your own practice. Record what happened here now?",
                    "Record it",
                    ConfidentialityEventForm,
                    {
                        "session_id": record.id,
                        "alias_id": record.alias_id,
                        "offer_debrief": not debrief,
                    },
                )
            )
        if record.safety_flag == "concern" and (before is None or before.safety_flag != "concern"):
            offers.append(
                Offer(
                    "You flagged a concern. Keep a short record of who you consulted, what you "
                    "decided and why? A decision not to share is worth recording too.",
                    "Record it",
                    ConfidentialityEventForm,
                    {
                        "session_id": record.id,
                        "alias_id": record.alias_id,
                        "occasion": "concern",
                        "offer_debrief": not debrief,
                    },
                )
            )
        if record.shared_my_story and (before is None or not before.shared_my_story):
            offers.append(
                Offer(
                    "You shared your own story in this session. Write a short self-disclosure "
                    "reflection about it?",
                    "Write it",
                    ReflectionForm,
                    {"session_id": record.id, "template": "self_disclosure"},
                )
            )
        if debrief:
            offers.append(Offer(DEBRIEF_OFFER, DEBRIEF_YES, DebriefForm, {"session_id": record.id}))
        if offers:
            OfferChain(self.app, offers).start()


def dual_relationship_line(alias: Alias, today: date) -> str:
    """The one calm line the session form shows for an alias with a dual relationship."""
    if not needs_plan(alias, today):
        if alias.dual_plan.strip():
            return "Existing alias. You know each other outside work too, with a plan agreed."
        return "Existing alias. You know each other outside work too."  # closed: no reminder
    if not alias.dual_plan.strip():
        return (
            "Existing alias. You know each other outside work too: this dual relationship "
            "needs an agreed plan (add it on the alias's page)."
        )
    return (
        "Existing alias. You know each other outside work too: the plan you agreed is due "
        "for review."
    )


def payload_from_session(session: Session, pseudonym: str) -> dict[str, Any]:
    """The form's payload for an existing session (the same shape a draft stores)."""
    day, clock = split_moment(session.occurred_at)
    payload: dict[str, Any] = {
        "when_date": day,
        "when_time": clock,
        "duration": format_duration(session.duration_min),
        "alias": pseudonym,
        "tags": format_tags(session.tags),
    }
    for name in (*CHOICE_FIELDS, *(name for name, _ in TEXT_FIELDS), *FLAG_FIELDS):
        payload[name] = getattr(session, name)
    return payload


def describe_follow_up(follow_up: FollowUp) -> str:
    """One line about a follow-up: "due 2026-11-27 · call the housing office (me, open)"."""
    owner = choice_label("owner", follow_up.owner)
    status = choice_label("status", follow_up.status)
    action = sanitize_line(follow_up.action) or "(no action written)"
    return f"due {follow_up.due_on} · {action} ({owner}, {status.lower()})"

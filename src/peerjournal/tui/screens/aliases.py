"""AliasesScreen: the people a supporter walks beside, by pseudonym only.

The left list holds every alias, active first and closed ones dimmed. The right side shows
the selected alias: its status and themes, whether they know the supporter outside work,
when the limits of confidentiality were explained, and its entries (sessions, the reflections
on them and its confidentiality events, newest first) and follow-ups (Enter on an entry opens
it; on a linked follow-up, its session). `n` creates an alias by name (pseudonyms
are unique; the core's message is shown in the dialog), `e`/F2 opens the alias form with every
detail (AliasForm), `x` closes or reopens it, Delete deletes it after saying what happens to its
entries (none: it goes; some: they stay, marked "alias deleted N", and the name goes).

Every Journal call runs in a thread worker; user text is rendered as Content, never markup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from peerjournal.core.boundaries import plan_words
from peerjournal.core.errors import JournalError
from peerjournal.core.identifiers import pseudonym_hints
from peerjournal.core.journal import Journal, TimelineItem
from peerjournal.core.models import (
    MAX_LINE_CHARS,
    Alias,
    ConfidentialityEvent,
    FollowUp,
    Session,
    new_id,
    sort_key_micros,
)
from peerjournal.core.sanitize import sanitize_line, sanitize_text
from peerjournal.core.words import DUAL_RELATIONSHIP_WORDS
from peerjournal.tui.calls import call
from peerjournal.tui.host import today_for
from peerjournal.tui.messages import OpenForm
from peerjournal.tui.safety import notify_error
from peerjournal.tui.screens.alias_form import ALIAS_REMINDER
from peerjournal.tui.screens.dialogs import ConfirmScreen, NudgeScreen
from peerjournal.tui.screens.followups import follow_up_content
from peerjournal.tui.screens.form_fields import choice_label
from peerjournal.tui.screens.search import EntryListScreen
from peerjournal.tui.widgets.timeline_view import friendly_when

SESSION_PREVIEW_CHARS = 60
# Listed with an alias's sessions (follow-ups have their own list).
# Confidentiality events have a list of their own beside this one.
OTHER_KINDS = ("reflection", "boundary_event")
ALIAS_NUDGE = "Is this a pseudonym? Aliases keep the people you support safer."


@dataclasses.dataclass(frozen=True)
class NewAlias:
    """What the new-alias dialog asks: the pseudonym, and whether, when and how the limits of
    confidentiality were explained (None and "" when not yet)."""

    pseudonym: str
    limits_explained_on: str | None = None
    limits_explained_note: str = ""


# Submits a new alias; returns an error message to show, or None when it was saved.
SubmitName = Callable[[NewAlias], Awaitable[str | None]]


class AliasNameScreen(ModalScreen[str | None]):
    """Ask for a pseudonym. Stays open showing the error until `submit` accepts the name."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, submit: SubmitName, *, today: date | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._submit = submit
        self._today = (today or date.today()).isoformat()
        self._nudged = ""  # the name the supporter chose to keep despite the nudge

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="alias-name-dialog"):
            yield Static(Content(self._title), classes="dialog-text")
            yield Static(Content(ALIAS_REMINDER), classes="hint")
            yield Input(
                placeholder="Pseudonym",
                id="alias-name",
                max_length=MAX_LINE_CHARS,
            )
            yield Checkbox("I have explained the limits of confidentiality", id="limits-explained")
            with Horizontal(id="limits-details"):
                yield Input(
                    self._today,
                    placeholder="YYYY-MM-DD",
                    id="limits-on",
                    restrict=r"[0-9-]*",
                    max_length=10,
                )
                yield Input(placeholder="What it covered (short)", id="limits-note")
            yield Static("", id="alias-name-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#alias-name", Input).focus()
        self.query_one("#limits-details").display = False

    @on(Checkbox.Changed, "#limits-explained")
    def _limits_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#limits-details").display = event.value

    @property
    def error_text(self) -> str:
        return str(self.query_one("#alias-name-error", Static).content)

    def _show_error(self, message: str) -> None:
        self.query_one("#alias-name-error", Static).update(Content(message))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="alias-name")
    async def save(self) -> None:
        name = sanitize_line(self.query_one("#alias-name", Input).value)
        if not name:
            self._show_error("Type a pseudonym first.")
            return
        hints = pseudonym_hints(name)
        if hints and name != self._nudged:
            keep = await self.app.push_screen_wait(
                NudgeScreen([("Pseudonym", hint) for hint in hints], intro=ALIAS_NUDGE)
            )
            if not keep:
                self.query_one("#alias-name", Input).focus()
                return
            self._nudged = name  # asked once for this name
        new = NewAlias(name)
        if self.query_one("#limits-explained", Checkbox).value:
            day = self.query_one("#limits-on", Input).value.strip()
            try:
                explained_on = date.fromisoformat(day).isoformat()
            except ValueError:
                self._show_error("Limits explained on: type a date like 2026-11-20.")
                return
            note = self.query_one("#limits-note", Input).value
            new = NewAlias(name, explained_on, note)
        error = await self._submit(new)
        if error:
            self._show_error(error)
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def alias_content(alias: Alias) -> Content:
    name = sanitize_line(alias.pseudonym)
    if alias.status == "closed":
        # The gap goes with the name: some SVG renderers drop a run's leading spaces, and the
        # snapshot pictures then read "Marlowclosed".
        return Content.assemble((name + "  ", "dim"), ("closed", "dim italic"))
    return Content(name)


def alias_details(alias: Alias, today: date | None = None) -> Content:
    """What is worth seeing at a glance about an alias; all user text literal. A dual
    relationship is said calmly, with its plan: never in an alarm colour."""
    status = {"active": "Active", "deleted": "Deleted"}.get(alias.status, "Closed")
    parts: list[str | tuple[str, str]] = [(status, "bold")]
    if alias.themes:
        parts += [("  ", "bold"), "·  ", ", ".join(sanitize_line(theme) for theme in alias.themes)]
    if alias.also_known_as:
        parts += [
            "\n",
            ("Also known as: ", "dim"),
            ", ".join(map(sanitize_line, alias.also_known_as)),
        ]
    if alias.limits_explained_on:
        parts += ["\n", f"Limits of confidentiality explained on {alias.limits_explained_on}."]
        if alias.limits_explained_note:
            parts += [" ", ("Covered: ", "dim"), sanitize_line(alias.limits_explained_note)]
    else:
        parts += ["\n", ("Limits of confidentiality: no date recorded.", "dim")]
    if alias.has_dual_relationship:
        parts += ["\n", *_dual_relationship_parts(alias, today or date.today())]
    if alias.consent_note:
        parts += ["\n", ("Consent: ", "dim"), sanitize_text(alias.consent_note)]
    if alias.notes:
        parts += ["\n", sanitize_text(alias.notes)]
    return Content.assemble(*parts)


PLAN_PREVIEW_CHARS = 90  # the plan's start; the whole plan is in the alias form (e)


def _dual_relationship_parts(alias: Alias, today: date) -> list[str | tuple[str, str]]:
    """'Knows me outside work (neighbour): plan agreed (review on ...).' and the plan's start."""
    kinds = ", ".join(DUAL_RELATIONSHIP_WORDS[kind] for kind in alias.dual_relationships)
    line = "Knows me outside work" + (f" ({kinds})" if kinds else "")
    dates = []
    if alias.dual_discussed_on:
        dates.append(f"discussed in supervision on {alias.dual_discussed_on}")
    if alias.dual_review_on:
        dates.append(f"review on {alias.dual_review_on}")
    parts: list[str | tuple[str, str]] = [f"{line}: {plan_words(alias, today)}"]
    if dates:
        parts.append((" (" + "; ".join(dates) + ")", "dim"))
    parts.append(".")
    plan = " ".join(sanitize_text(alias.dual_plan).split())
    if plan:
        if len(plan) > PLAN_PREVIEW_CHARS:
            plan = plan[: PLAN_PREVIEW_CHARS - 1].rstrip() + "…"
        parts += ["\n", ("Plan: ", "dim"), plan]
    return parts


def item_content(item: TimelineItem) -> Content:
    """A reflection or boundary event of the alias (OTHER_KINDS), as one line like a session's."""
    about = sanitize_line(item.preview) or sanitize_line(item.title)
    if len(about) > SESSION_PREVIEW_CHARS:
        about = about[: SESSION_PREVIEW_CHARS - 1].rstrip() + "…"
    return Content.assemble(
        (friendly_when(item.when), "bold"), "  ", (item.label, "dim"), "  ", about
    )


def session_content(session: Session) -> Content:
    details = [session.method.replace("_", " ")]
    if session.modality == "group":
        details.append("group")
    if session.duration_min:
        details.append(f"{session.duration_min} min")
    preview = " ".join((session.goal_focus or session.notes or session.support_offered).split())
    preview = sanitize_line(preview)
    if len(preview) > SESSION_PREVIEW_CHARS:
        preview = preview[: SESSION_PREVIEW_CHARS - 1].rstrip() + "…"
    parts: list[str | tuple[str, str]] = [
        (friendly_when(session.occurred_at), "bold"),
        "  ",
        (", ".join(details), "dim"),
    ]
    if session.safety_flag != "none":
        parts += ["  ", ("safety: " + session.safety_flag.replace("_", " "), "bold $error")]
    if preview:
        parts += ["\n", preview]
    return Content.assemble(*parts)


def event_content(event: ConfidentialityEvent) -> Content:
    """One line about a confidentiality event: when, what kind, and what happened."""
    what = "Concern: consultation" if event.occasion == "concern" else "Limits reached"
    parts: list[str | tuple[str, str]] = [
        (friendly_when(event.at), "bold"),
        "  ",
        (f"{what} · {choice_label('category', event.category)}", "$warning"),
    ]
    text = " ".join((event.notes or event.outcome or event.disclosed_minimum).split())
    if text:
        text = sanitize_line(text)
        if len(text) > SESSION_PREVIEW_CHARS:
            text = text[: SESSION_PREVIEW_CHARS - 1].rstrip() + "…"
        parts += ["\n", text]
    return Content.assemble(*parts)


def _follow_up_line(follow_up: FollowUp, today: date) -> Content:
    if follow_up.status == "open":
        return Content.assemble("○ ", follow_up_content(follow_up, None, today))
    mark = "✓ " if follow_up.status == "done" else "✗ "
    when = follow_up.done_at[:10] if follow_up.done_at else follow_up.due_on
    return Content.assemble(
        (mark, "dim"),
        (f"{when}  {follow_up.status} · ", "dim"),
        (sanitize_line(follow_up.action), "dim"),
    )


class AliasesScreen(EntryListScreen):
    """Aliases on the left; the selected one's details, sessions and follow-ups on the right."""

    BINDINGS = [
        Binding("n", "new_alias", "New alias"),
        Binding("e,f2", "edit", "Edit details", key_display="e"),
        Binding("x", "toggle_closed", "Close/reopen"),
        Binding("b", "new_boundary_event", "Boundary event", show=False),
        Binding("delete", "delete_alias", "Delete", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(id="aliases")
        self.journal = journal
        self.aliases: dict[str, Alias] = {}
        self._select: str | None = None  # alias id to highlight after the next reload
        self._requested: str | None = None  # whose details are shown or on their way
        self._follow_ups: dict[str, FollowUp] = {}

    def compose(self) -> ComposeResult:
        yield Static("Aliases", classes="form-title")
        with Horizontal(id="aliases-body"):
            yield OptionList(id="alias-list", markup=False)
            with Vertical(id="alias-detail"):
                yield Static("", id="alias-info")
                yield OptionList(id="alias-sessions", markup=False)
                yield OptionList(id="alias-events", markup=False)
                yield OptionList(id="alias-follow-ups", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#alias-list", OptionList).border_title = "Aliases"
        self.query_one("#alias-sessions", OptionList).border_title = "Entries"
        self.query_one("#alias-follow-ups", OptionList).border_title = "Follow-ups"
        self.query_one("#alias-events", OptionList).border_title = "Confidentiality events"
        self.query_one("#alias-list", OptionList).focus()
        self.reload()

    # ---- loading

    @work(exclusive=True, group="aliases")
    async def reload(self) -> None:
        """Fetch the aliases (active first) and show the highlighted one's details."""
        try:
            aliases = await call(self, self.journal.list_aliases)
        except JournalError as error:
            notify_error(self, error)
            return
        aliases.sort(key=lambda a: (a.status != "active", a.pseudonym.casefold()))
        self.aliases = {alias.id: alias for alias in aliases}
        listing = self.query_one("#alias-list", OptionList)
        keep = self._select or (
            listing.highlighted_option.id if listing.highlighted_option else None
        )
        self._select = None
        listing.clear_options()
        listing.add_options(Option(alias_content(alias), id=alias.id) for alias in aliases)
        if not aliases:
            self._show_empty()
            return
        index = 0
        if keep is not None and keep in self.aliases:
            index = listing.get_option_index(keep)
        listing.highlighted = index
        # Ask directly: the alias may be the same one as before (renamed, closed), and the
        # highlight message that follows is then recognised as already handled.
        self.request_details(aliases[index].id)

    def _show_empty(self) -> None:
        self._requested = None
        self.query_one("#alias-info", Static).update(
            Content("No aliases yet. Press n to add one. " + ALIAS_REMINDER)
        )
        self.query_one("#alias-sessions", OptionList).clear_options()
        self.query_one("#alias-events", OptionList).clear_options()
        self.query_one("#alias-follow-ups", OptionList).clear_options()

    @on(OptionList.OptionHighlighted, "#alias-list")
    def _alias_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self._requested:
            self.request_details(event.option.id)

    def request_details(self, alias_id: str) -> None:
        self._requested = alias_id
        self.load_details(alias_id)

    @work(exclusive=True, group="alias-details")
    async def load_details(self, alias_id: str) -> None:
        """Show one alias: details, its sessions (newest first) and all its follow-ups."""
        alias = self.aliases.get(alias_id)
        if alias is None:
            return
        try:
            sessions = await call(self, self.journal.sessions_for_alias, alias_id)
            others = await call(
                self, self.journal.timeline, alias_id=alias_id, kinds=OTHER_KINDS, limit=200
            )
            follow_ups = await call(self, self.journal.follow_ups, alias_id=alias_id, status=None)
            events = await call(self, self.journal.confidentiality_events, alias_id=alias_id)
        except JournalError as error:
            notify_error(self, error)
            return
        self.query_one("#alias-info", Static).update(alias_details(alias, today_for(self)))
        # Border titles parse markup from a str; Content keeps the pseudonym literal.
        self.query_one("#alias-info", Static).border_title = Content(sanitize_line(alias.pseudonym))
        session_list = self.query_one("#alias-sessions", OptionList)
        session_list.clear_options()
        # Sessions, and the reflections (through their session) and confidentiality events
        # that belong to this alias, newest first.
        listed = [(sort_key_micros(s), Option(session_content(s), id=s.id)) for s in sessions]
        listed += [
            (item.cursor.sort_ts, Option(item_content(item), id=item.id)) for item in others.items
        ]
        listed.sort(key=lambda pair: pair[0], reverse=True)
        session_list.add_options(option for _, option in listed)
        if listed:
            session_list.highlighted = 0
        else:
            session_list.add_option(Option(Content("No entries yet."), disabled=True))
        counts = [f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}"]
        if others.items:
            counts.append(f"{len(others.items)} other")
        session_list.border_title = f"Entries ({', '.join(counts)})"
        event_list = self.query_one("#alias-events", OptionList)
        event_list.clear_options()
        event_list.add_options(Option(event_content(e), id=e.id) for e in events)
        if not events:
            event_list.add_option(Option(Content("None recorded."), disabled=True))
        event_list.border_title = f"Confidentiality events ({len(events)})"
        today = today_for(self)
        # Open ones first (soonest due), then what is finished.
        follow_ups.sort(key=lambda f: (f.status != "open", f.due_on))
        self._follow_ups = {f.id: f for f in follow_ups}
        follow_up_list = self.query_one("#alias-follow-ups", OptionList)
        follow_up_list.clear_options()
        follow_up_list.add_options(Option(_follow_up_line(f, today), id=f.id) for f in follow_ups)
        if not follow_ups:
            follow_up_list.add_option(Option(Content("No follow-ups."), disabled=True))
        open_count = sum(1 for f in follow_ups if f.status == "open")
        follow_up_list.border_title = f"Follow-ups ({open_count} open)"

    def selected_alias(self) -> Alias | None:
        option = self.query_one("#alias-list", OptionList).highlighted_option
        return self.aliases.get(option.id) if option and option.id else None

    # ---- opening sessions

    @on(OptionList.OptionSelected, "#alias-list")
    def _alias_selected(self) -> None:
        # Enter on an alias moves into its sessions.
        self.query_one("#alias-sessions", OptionList).focus()

    @on(OptionList.OptionSelected, "#alias-sessions")
    @on(OptionList.OptionSelected, "#alias-events")
    async def _session_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_entry(event.option.id)

    @on(OptionList.OptionSelected, "#alias-follow-ups")
    async def _follow_up_selected(self, event: OptionList.OptionSelected) -> None:
        follow_up = self._follow_ups.get(event.option.id or "")
        if follow_up is None:
            return
        if follow_up.session_id:
            self.open_entry(follow_up.session_id)
        else:
            self.notify("This follow-up is not linked to a session.", markup=False, timeout=3)

    # ---- create, edit, close

    def action_new_alias(self) -> None:
        self.app.push_screen(AliasNameScreen("New alias", self._create, today=today_for(self)))

    async def _create(self, new: NewAlias) -> str | None:
        alias = Alias(
            id=new_id(),
            pseudonym=new.pseudonym,
            limits_explained_on=new.limits_explained_on,
            limits_explained_note=new.limits_explained_note,
        )
        try:
            saved = await call(self, self.journal.save, alias)
        except JournalError as error:
            return error.message
        self._select = saved.id
        self.reload()
        return None

    def action_edit(self) -> None:
        """Every detail of the highlighted alias, in the alias form."""
        alias = self.selected_alias()
        if alias is None:
            return
        self.app.post_message(OpenForm("alias", record=alias))

    async def action_new_boundary_event(self) -> None:
        """A boundary event about the highlighted alias (a gift, a request ...)."""
        alias = self.selected_alias()
        if alias is not None:
            self.app.post_message(OpenForm("boundary_event", options={"alias_id": alias.id}))

    @work(exclusive=True, group="alias-close")
    async def action_toggle_closed(self) -> None:
        alias = self.selected_alias()
        if alias is None:
            return
        name = sanitize_line(alias.pseudonym)
        if alias.status == "active":
            question = (
                f"Close {name}? Their sessions and notes stay; the alias moves to the end of "
                "the list, dimmed. You can reopen it later."
            )
            new_status, yes = "closed", "Close"
        else:
            question = f"Reopen {name}?"
            new_status, yes = "active", "Reopen"
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes=yes, no="Cancel")):
            return
        try:
            await call(self, self.journal.save, dataclasses.replace(alias, status=new_status))
        except JournalError as error:
            notify_error(self, error, title="Not saved")
            return
        self._select = alias.id
        self.reload()

    @work(exclusive=True, group="alias-close")
    async def action_delete_alias(self) -> None:
        """Delete the highlighted alias, after saying what happens to its entries: with none,
        it goes; with some, they stay, marked "alias deleted N", and the alias's name and
        details go for good (Journal.delete_alias)."""
        alias = self.selected_alias()
        if alias is None:
            return
        name = sanitize_line(alias.pseudonym)
        try:
            count = await call(self, self.journal.alias_entry_count, alias.id)
        except JournalError as error:
            notify_error(self, error)
            return
        if count:
            entries = _entries(count)
            question = (
                f"Delete {name}? Their {entries} {'stays' if count == 1 else 'stay'}, marked "
                "“alias deleted” with a number "
                "instead of the name. The pseudonym, nicknames, themes and notes go for good "
                "and cannot be brought back; words in the entries' own text stay as written. "
                "Closing it instead (x) keeps everything."
            )
        else:
            question = f"Delete {name}? It has no entries; its details and notes go for good."
        if not await self.app.push_screen_wait(
            ConfirmScreen(question, yes="Delete", no="Keep it", danger=True)
        ):
            return
        try:
            result = await call(self, self.journal.delete_alias, alias.id)
        except JournalError as error:
            notify_error(self, error, title="Not deleted")
            return
        if isinstance(result, Alias):
            self.notify(
                f"{name} deleted. Their {_entries(count)} now "
                f"{'shows' if count == 1 else 'show'} “{result.pseudonym}”.",
                markup=False,
                timeout=5,
            )
        else:
            self.notify(f"{name} deleted.", markup=False, timeout=3)
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["ALIAS_REMINDER", "AliasNameScreen", "AliasesScreen", "alias_details"]

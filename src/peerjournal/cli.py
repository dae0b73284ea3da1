"""The `peerjournal` command: parses arguments, asks for passphrases, calls the core, prints.

Exit codes (design.md section 6): 0 ok, 1 unexpected error, 2 usage, 3 wrong passphrase,
4 journal damaged or tampered, 5 no journal (or one already exists, for init), 6 in use.
Error output is one or two plain sentences: never a traceback, never note text, never a key.
This module never imports textual; the TUI is imported only when it is asked for.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console
from rich.text import Text

from peerjournal import __version__
from peerjournal.core.errors import JournalError, UsageError
from peerjournal.core.exchange import (
    PLAINTEXT_WARNING,
    export_json_bytes,
    import_records,
    parse_export,
    write_private_file,
)
from peerjournal.core.hardening import harden_process
from peerjournal.core.journal import Journal
from peerjournal.core.kdf import DEFAULT_POLICY, KdfPolicy
from peerjournal.core.passphrase import LOSS_WARNING, MIN_LENGTH, assess
from peerjournal.core.privacy import sanitize_text
from peerjournal.core.vault import Vault

if TYPE_CHECKING:
    from peerjournal.core.backup import BackupSummary
    from peerjournal.core.markdown import EntryFilter

T = TypeVar("T")

MAX_PASSPHRASE_BYTES = 4096
APP_NAME = "peerjournal"


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns every exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}. Run 'peerjournal --help' for usage.")


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_home(option: str | None) -> Path:
    if option:
        return Path(option).expanduser()
    if os.environ.get("PEERJOURNAL_HOME"):
        return Path(os.environ["PEERJOURNAL_HOME"]).expanduser()
    return default_home()


# --------------------------------------------------------------------------------------------
# Passphrases: from the terminal without echo, or one line from a file descriptor.


def read_line_from_fd(fd: int) -> str:
    """Read exactly one line from `fd` without buffering past it."""
    data = bytearray()
    try:
        while len(data) <= MAX_PASSPHRASE_BYTES:
            chunk = os.read(fd, 1)
            if not chunk or chunk == b"\n":
                break
            data += chunk
    except OSError:
        raise UsageError(f"Cannot read a passphrase from file descriptor {fd}.") from None
    if len(data) > MAX_PASSPHRASE_BYTES:
        raise UsageError("The passphrase is too long.")
    try:
        return bytes(data).rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("The passphrase is not valid UTF-8 text.") from None


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            "There is no terminal to ask for the passphrase; use --passphrase-fd N in scripts."
        )
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError("No passphrase was given.") from None


def existing_passphrase(fd: int | None) -> str:
    return read_line_from_fd(fd) if fd is not None else _ask("Passphrase: ")


def new_passphrase(fd: int | None, err: Console, *, what: str = "passphrase") -> str:
    """A new passphrase: asked twice on a terminal, checked for length either way."""
    if fd is not None:
        chosen = read_line_from_fd(fd)
    else:
        err.print(LOSS_WARNING)
        while True:
            chosen = _ask(f"New {what}: ")
            assessment = assess(chosen)
            if not assessment.acceptable:
                err.print(f"{assessment.label.capitalize()}: {assessment.feedback}")
                continue
            err.print(f"Strength: {assessment.label}. {assessment.feedback}")
            if _ask(f"Repeat the new {what}: ") == chosen:
                break
            err.print("The two entries differ; please try again.")
    assessment = assess(chosen)
    if not assessment.acceptable:
        raise UsageError(
            f"The new {what} is {assessment.label}: at least {MIN_LENGTH} characters, "
            "not a common password."
        )
    return chosen


def confirm(question: str, *, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("This needs confirmation; run it in a terminal or add --yes.")
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


# --------------------------------------------------------------------------------------------
# Commands


class Context:
    def __init__(self, args: argparse.Namespace, policy: KdfPolicy) -> None:
        self.args = args
        self.policy = policy
        self.home = resolve_home(args.home)
        # markup=False: paths and user text are printed as they are, never parsed as markup.
        self.out = Console(highlight=False, soft_wrap=True, markup=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

    def open_journal(self, *, policy: KdfPolicy | None = None) -> Journal:
        """Find and lock the journal first (so 'no journal' and 'in use' come before the
        passphrase prompt), then unlock it."""
        vault = Vault.locate(self.home, policy=policy or self.policy)
        try:
            passphrase = existing_passphrase(self.args.passphrase_fd)
            if self.err.is_terminal:
                with self.err.status("Unlocking…"):
                    vault.unlock(passphrase)
            else:
                vault.unlock(passphrase)
            return Journal(vault)
        except BaseException:
            vault.close()
            raise


def cmd_init(ctx: Context) -> int:
    passphrase = new_passphrase(ctx.args.passphrase_fd, ctx.err)
    if ctx.err.is_terminal:
        with ctx.err.status("Creating the journal (tuning the key derivation to this machine)…"):
            journal = Journal.create(ctx.home, passphrase, policy=ctx.policy)
    else:
        journal = Journal.create(ctx.home, passphrase, policy=ctx.policy)
    with journal:
        params = journal.vault.header.params
        ctx.out.print(f"Created an encrypted journal in {ctx.home}")
        ctx.out.print(
            f"Argon2id: {params.memory_kib // 1024} MiB, {params.iterations} passes, "
            f"{params.parallelism} lanes."
        )
    return 0


def cmd_check(ctx: Context) -> int:
    from peerjournal.core.kdf import ARGON2_MINIMUM

    # Open with a permissive floor so a weak journal can be *reported*; the cap still holds.
    permissive = KdfPolicy(floor=ARGON2_MINIMUM, cap=ctx.policy.cap)
    with ctx.open_journal(policy=permissive) as journal:
        report = journal.check(ctx.policy.floor)
        counts = journal.counts()
    params, floor = report.params, ctx.policy.floor
    ctx.out.print(f"Journal: {ctx.home} (generation {report.generation})")
    ctx.out.print(
        f"Key derivation: Argon2id, {params.memory_kib} KiB, t={params.iterations}, "
        f"p={params.parallelism}"
    )
    if report.below_floor:
        ctx.out.print(
            f"Problem: these key-derivation settings are below the recommended floor "
            f"({floor.memory_kib} KiB, t={floor.iterations}, p={floor.parallelism}). "
            "Run 'peerjournal passwd' to re-encrypt with stronger settings."
        )
    for problem in report.problems:
        ctx.out.print(f"Problem: {problem}")
    ctx.out.print(
        "Entries: "
        + ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items())
    )
    if report.ok:
        ctx.out.print("Header authentic; cipher and database integrity checks passed.")
        return 0
    ctx.out.print("The journal needs attention (see the problems above).")
    return 4


def cmd_passwd(ctx: Context) -> int:
    from peerjournal.core.kdf import ARGON2_MINIMUM

    # A journal below today's floor may be opened here, precisely to re-key it at full
    # strength (`check` recommends this); the new settings come from the normal policy.
    lenient = KdfPolicy(floor=ARGON2_MINIMUM, cap=ctx.policy.cap)
    with ctx.open_journal(policy=lenient) as journal:
        new = new_passphrase(ctx.args.new_passphrase_fd, ctx.err, what="passphrase")
        if ctx.err.is_terminal:
            with ctx.err.status("Re-encrypting the journal with the new passphrase…"):
                journal.change_passphrase(new, ctx.policy)
        else:
            journal.change_passphrase(new, ctx.policy)
    ctx.out.print("Passphrase changed. The old one no longer opens this journal.")
    return 0


def cmd_search(ctx: Context) -> int:
    with ctx.open_journal() as journal:
        query = ctx.args.query
        if query is None:
            # Asked here rather than taken from argv, so it stays out of shell history.
            if not sys.stdin.isatty():
                raise UsageError("Give the words to search for, or run this in a terminal.")
            query = input("Search for: ")
        hits = journal.search(query, limit=ctx.args.limit)
    if not hits:
        ctx.err.print("No matches.")
        return 0
    for hit in hits:
        line = Text()
        line.append(f"{hit.kind.replace('_', ' '):<12} ", style="bold")
        line.append(f"{hit.when[:10]}  ")
        line.append(hit.alias or hit.title, style="cyan")
        line.append("  ")
        for part, matched in hit.snippet:
            line.append(part, style="reverse" if matched else "")
        ctx.out.print(line)
    return 0


def _busy(ctx: Context, message: str, work: Callable[[], T]) -> T:
    """Run `work`, with a spinner on stderr when it is a terminal."""
    if ctx.err.is_terminal:
        with ctx.err.status(message):
            return work()
    return work()


def _write_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _refuse_existing(target: Path | None, overwrite: bool) -> None:
    if target is not None and target.exists() and not overwrite:
        raise UsageError(f"{target} already exists; choose another name or add --overwrite.")


def _consent_to_plaintext(ctx: Context, where: str) -> bool:
    """The one warning every plaintext export shows, and the user's answer."""
    ctx.err.print(PLAINTEXT_WARNING.format(where=where))
    if confirm("Export anyway?", assume_yes=ctx.args.yes):
        return True
    ctx.err.print("Nothing was exported.")
    return False


def _date_arg(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-20") from None


def _months_arg(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1200:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of months from 1 to 1200")
    return int(value)


def _entry_filter(journal: Journal, args: argparse.Namespace) -> EntryFilter:
    from peerjournal.core.markdown import MARKDOWN_KINDS, EntryFilter

    alias_id = None
    if args.alias:
        alias = journal.alias_by_pseudonym(args.alias)
        if alias is None:
            raise UsageError("There is no alias with that pseudonym; nothing was exported.")
        alias_id = alias.id
    kinds = tuple(dict.fromkeys(args.kind)) if args.kind else MARKDOWN_KINDS
    return EntryFilter(args.since, args.until, alias_id, args.tag, kinds)


def cmd_export(ctx: Context) -> int:
    from peerjournal.core.exchange import write_private_folder
    from peerjournal.core.markdown import render_markdown

    args = ctx.args
    filtered = any((args.since, args.until, args.alias, args.tag, args.kind))
    if args.format == "json" and (filtered or args.split):
        raise UsageError(
            "--split and the filters are for --format markdown: a JSON export always holds the "
            "whole journal, so that it can be imported again."
        )
    if args.split and args.output:
        raise UsageError("Give either -o FILE or --split DIR, not both.")
    target: Path | None = Path(args.output) if args.output else None
    folder: Path | None = Path(args.split) if args.split else None
    _refuse_existing(target, args.overwrite)
    if folder is not None and folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} is not empty; --split needs a new or empty folder.")
    where = f" to {target}" if target else f" into {folder}" if folder else " to the terminal"
    if not _consent_to_plaintext(ctx, where):
        return 0
    with ctx.open_journal() as journal:
        if args.format == "json":
            data, files, count = export_json_bytes(journal), [], None
        else:
            rendered = render_markdown(journal, _entry_filter(journal, args), split=bool(folder))
            data, count = rendered.document.encode(), rendered.entries
            files = [(name, text.encode()) for name, text in rendered.files]
    what = _count(count, "entry", "entries") if count is not None else "the journal"
    if folder is not None:
        write_private_folder(folder, files)
        ctx.err.print(f"Exported {what} into {folder}, one file each (readable by you only).")
    elif target is None:
        _write_stdout(data)
    else:
        write_private_file(target, data, overwrite=args.overwrite)
        ctx.err.print(f"Exported {what} to {target} (readable by you only).")
    return 0


def cmd_import(ctx: Context) -> int:
    from peerjournal.core.jrnl import import_jrnl, parse_jrnl

    source = Path(ctx.args.file)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise UsageError(f"Cannot read {source}: {error.strerror}.") from None
    # Validate everything before asking for the passphrase.
    if ctx.args.format == "jrnl":
        reflections = parse_jrnl(raw)
        with ctx.open_journal() as journal:
            summary = import_jrnl(journal, reflections)
    else:
        records = parse_export(raw)
        with ctx.open_journal() as journal:
            summary = import_records(journal, records)
    ctx.out.print(
        f"Imported {summary.total_added} new and {summary.total_updated} updated records; "
        f"{summary.total_unchanged} were already here."
    )
    return 0


_KIND_NAMES = {
    "alias": ("alias", "aliases"),
    "session": ("session", "sessions"),
    "reflection": ("reflection", "reflections"),
    "follow_up": ("follow-up", "follow-ups"),
    "checkin": ("check-in", "check-ins"),
    "confidentiality_event": ("confidentiality event", "confidentiality events"),
}


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def describe_counts(counts: dict[str, int]) -> str:
    """'2 aliases, 1 session, 0 reflections, ...' in the journal's order of kinds."""
    return ", ".join(
        f"{count} {_KIND_NAMES.get(kind, (kind, kind))[count != 1]}"
        for kind, count in counts.items()
    )


def _print_backup(ctx: Context, summary: BackupSummary) -> None:
    ctx.out.print(f"Made: {summary.made_at or 'unknown'}")
    ctx.out.print(f"Journal created: {summary.journal_created_at}")
    ctx.out.print(f"Holds: {describe_counts(summary.counts)}")
    ctx.out.print(f"Size: {summary.size_bytes / 1_000_000:.1f} MB")


def _backup_passphrase(ctx: Context) -> str:
    fd = ctx.args.passphrase_fd
    return read_line_from_fd(fd) if fd is not None else _ask("Passphrase of the backup: ")


def cmd_backup(ctx: Context) -> int:
    from peerjournal.core.backup import create_backup, scratch_near, verify_backup

    target = Path(ctx.args.file)
    if ctx.args.verify:
        if ctx.args.overwrite:
            raise UsageError("--verify only reads the backup; it takes no --overwrite.")
        if not target.is_file():
            raise UsageError(f"There is no backup file {target}.")
        passphrase = _backup_passphrase(ctx)
        summary = _busy(
            ctx,
            "Verifying the backup…",
            lambda: verify_backup(
                target, passphrase, policy=ctx.policy, scratch=scratch_near(ctx.home)
            ),
        )
        ctx.out.print(f"Backup: {target}")
        _print_backup(ctx, summary)
        ctx.out.print("Header authentic; cipher and database integrity checks passed.")
        return 0
    _refuse_existing(target, ctx.args.overwrite)
    with ctx.open_journal() as journal:
        summary = _busy(
            ctx,
            "Writing and verifying the backup…",
            lambda: create_backup(journal, target, overwrite=ctx.args.overwrite),
        )
    ctx.out.print(f"Backup written to {target} and verified.")
    _print_backup(ctx, summary)
    ctx.out.print("It opens with the journal's current passphrase. It is encrypted; keep it safe.")
    return 0


def cmd_restore(ctx: Context) -> int:
    from peerjournal.core.backup import prepare_restore
    from peerjournal.core.vault import HEADER_NAME, ProcessLock

    source = Path(ctx.args.file)
    if not source.is_file():
        raise UsageError(f"There is no backup file {source}.")
    if (ctx.home / HEADER_NAME).exists():
        ProcessLock(ctx.home).release()  # "in use" is said before the passphrase is asked
    passphrase = _backup_passphrase(ctx)
    prepared = _busy(
        ctx,
        "Verifying the backup…",
        lambda: prepare_restore(ctx.home, source, passphrase, policy=ctx.policy),
    )
    with prepared:
        ctx.out.print(f"The backup {source} is intact.")
        _print_backup(ctx, prepared.summary)
        if prepared.replaces_journal:
            ctx.err.print(
                f"Restoring replaces the journal in {ctx.home}. That journal is not deleted: it "
                f"is moved to a folder beside it, named {ctx.home.name}.replaced-<date-time>."
            )
            if not confirm("Restore this backup?", assume_yes=ctx.args.yes):
                ctx.err.print("Nothing was restored.")
                return 0
        result = prepared.install()
    result.journal.close()
    ctx.out.print(f"Restored into {ctx.home}. It opens with the backup's passphrase.")
    if result.replaced_kept_in is not None:
        ctx.out.print(
            f"The journal it replaced is kept in {result.replaced_kept_in} (still encrypted, "
            "with its own passphrase). Delete that folder once you are sure you do not need it."
        )
    return 0


def cmd_purge(ctx: Context) -> int:
    from peerjournal.core.retention import (
        RetentionSettings,
        plan_retention,
        purge,
        retention_settings,
    )

    args = ctx.args
    with ctx.open_journal() as journal:
        stored = retention_settings(journal)
        settings = RetentionSettings(
            args.closed_alias_months or stored.closed_alias_months,
            args.entry_months or stored.entry_months,
        )
        if not settings.enabled:
            ctx.err.print(
                "Retention is off, so nothing would be purged. Turn it on in the app's settings, "
                "or name a period here with --entry-months N or --closed-alias-months N."
            )
            return 0
        plan = plan_retention(journal, settings)
        reason = None
        for item in plan.items:
            if item.reason != reason:
                reason = item.reason
                ctx.out.print(Text(f"Because {reason}:", style="bold"))
            when = item.when[:16].replace("T", " ")
            line = Text(f"  {item.kind.replace('_', ' '):<22} {when:<17} ")
            line.append(item.alias or "", style="cyan")
            line.append(f"  {item.title}")
            ctx.out.print(line)
        if plan.empty:
            ctx.out.print("Nothing is old enough to purge.")
            return 0
        total = len(plan.items)
        ctx.out.print(f"{_count(total, 'entry', 'entries')}: {describe_counts(plan.counts())}.")
        if args.dry_run:
            ctx.out.print("Dry run: nothing was deleted.")
            return 0
        ctx.err.print(
            "Purging is permanent: these entries cannot be brought back from this journal. "
            "Backups made earlier still hold them."
        )
        if not confirm(f"Purge these {total} entries for good?", assume_yes=args.yes):
            ctx.err.print("Nothing was purged.")
            return 0
        deleted = _busy(ctx, "Purging…", lambda: purge(journal, plan.items))
    ctx.out.print(f"Purged {sum(deleted.values())} entries: {describe_counts(deleted)}.")
    return 0


def cmd_digest(ctx: Context) -> int:
    from peerjournal.core.digest import supervision_digest

    args = ctx.args
    if args.since and args.until and args.since > args.until:
        raise UsageError("--since is after --until.")
    target: Path | None = Path(args.output) if args.output else None
    _refuse_existing(target, args.overwrite)
    if target is not None and not _consent_to_plaintext(ctx, f" to {target}"):
        return 0
    with ctx.open_journal() as journal:
        digest = supervision_digest(journal, args.since, args.until)
    if target is None:
        _write_stdout(digest.text.encode())
    else:
        write_private_file(target, digest.text.encode(), overwrite=args.overwrite)
        ctx.err.print(f"Wrote the digest to {target} (readable by you only).")
    ctx.err.print(
        f"{_count(digest.reflections, 'reflection')}, "
        f"{_count(digest.sessions, 'linked session')}, "
        f"{_count(len(digest.people), 'person', 'people')}; "
        f"{_count(digest.redactions, 'likely identifier')} redacted. "
        "Read it through before you share it."
    )
    return 0


def cmd_tui(ctx: Context) -> int:
    """Run the terminal app on the journal in ctx.home (or a throwaway demo journal)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "The app needs a terminal. In scripts, use the commands (peerjournal --help)."
        )
    if ctx.args.demo:
        return _run_demo(ctx)
    return _run_app(ctx.home, ctx.policy)


def _run_app(home: Path, policy: KdfPolicy, demo_passphrase: str | None = None) -> int:
    from peerjournal.tui.environment import scrub_textual_environment

    scrub_textual_environment()  # before textual is imported: no log files, no devtools
    from peerjournal.tui.app import PeerJournalApp

    app = PeerJournalApp(home, policy=policy, demo_passphrase=demo_passphrase)
    code = app.run()
    if app.exit_message:
        Console(stderr=True, highlight=False).print(Text(app.exit_message))
    return int(code or app.return_code or 0)


def _run_demo(ctx: Context) -> int:
    """A temporary journal full of made-up notes, removed when the app exits."""
    import secrets

    from peerjournal.core.demo import fill_demo_journal
    from peerjournal.demo_home import demo_folder

    words = ["willow", "harbour", "lantern", "meadow", "pebble", "kettle", "orchard", "compass"]
    passphrase = "demo " + " ".join(secrets.choice(words) for _ in range(3))
    # A private (0700) temporary folder is fine here: the demo journal is encrypted like any
    # other and holds only made-up notes; it is removed when the app exits, when the terminal
    # closes (SIGHUP, SIGTERM), or else at the next --demo.
    with demo_folder() as folder:
        home = folder / "journal"
        with ctx.err.status("Making a demo journal with made-up notes…"):
            demo_policy = KdfPolicy(floor=ctx.policy.floor, cap=ctx.policy.cap, calibrate=False)
            with Journal.create(home, passphrase, policy=demo_policy) as journal:
                fill_demo_journal(journal)
        return _run_app(home, demo_policy, demo_passphrase=passphrase)


# --------------------------------------------------------------------------------------------
# Parser and entry point


def _add_markdown_options(export: argparse.ArgumentParser) -> None:
    from peerjournal.core.markdown import MARKDOWN_KINDS

    export.add_argument(
        "--split", metavar="DIR", help="markdown: one file per entry, in the new folder DIR"
    )
    export.add_argument(
        "--since", type=_date_arg, metavar="DATE", help="markdown: entries from DATE (YYYY-MM-DD)"
    )
    export.add_argument(
        "--until", type=_date_arg, metavar="DATE", help="markdown: entries up to DATE"
    )
    export.add_argument("--alias", metavar="PSEUDONYM", help="markdown: entries about this alias")
    export.add_argument("--tag", metavar="TAG", help="markdown: entries with this tag")
    export.add_argument(
        "--kind",
        action="append",
        choices=MARKDOWN_KINDS,
        help="markdown: only this kind of entry (repeat for more)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="peerjournal",
        description="A private, encrypted, offline journal for peer supporters.",
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="the journal folder (default: $PEERJOURNAL_HOME or your user data folder)",
    )
    parser.add_argument("--version", action="version", version=f"peerjournal {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a throwaway journal with made-up notes (removed on exit)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ArgumentParser)

    def command(
        name: str, handler: Callable[[Context], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        p.add_argument(
            "--passphrase-fd",
            type=int,
            metavar="N",
            help="read the passphrase from file descriptor N (for scripts)",
        )
        return p

    command("init", cmd_init, "create a new encrypted journal")
    command("check", cmd_check, "verify the header, both integrity checks and the key settings")
    passwd = command("passwd", cmd_passwd, "change the passphrase (atomically)")
    passwd.add_argument(
        "--new-passphrase-fd",
        type=int,
        metavar="M",
        help="read the new passphrase from file descriptor M",
    )
    search = command("search", cmd_search, "full-text search; asks for the query when omitted")
    search.add_argument("query", nargs="?", help='words, "a phrase", or a prefix*')
    search.add_argument("--limit", type=int, default=50, help="at most this many results")
    export = command("export", cmd_export, "write a PLAINTEXT export (asks first)")
    export.add_argument("--format", choices=["json", "markdown"], default="json")
    export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    export.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    export.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    _add_markdown_options(export)
    imp = command("import", cmd_import, "import a peerjournal JSON export (merges by id)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--format",
        choices=["peerjournal", "jrnl"],
        default="peerjournal",
        help="peerjournal: our JSON export; jrnl: the output of 'jrnl --export json'",
    )
    backup = command("backup", cmd_backup, "write an encrypted backup file (or --verify one)")
    backup.add_argument("file", metavar="FILE")
    backup.add_argument(
        "--verify", action="store_true", help="check FILE and show what it holds; change nothing"
    )
    backup.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    restore = command(
        "restore", cmd_restore, "replace the journal with a verified backup (the old one is kept)"
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge = command("purge", cmd_purge, "permanently delete what retention says (asks first)")
    purge.add_argument("--dry-run", action="store_true", help="only list what would be purged")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.add_argument(
        "--entry-months",
        type=_months_arg,
        metavar="N",
        help="for this run: entries older than N months (instead of the setting)",
    )
    purge.add_argument(
        "--closed-alias-months",
        type=_months_arg,
        metavar="N",
        help="for this run: records of aliases closed more than N months ago",
    )
    digest = command(
        "digest", cmd_digest, "a de-identified digest of the reflections marked for supervision"
    )
    digest.add_argument("--since", type=_date_arg, metavar="DATE", help="from DATE (YYYY-MM-DD)")
    digest.add_argument("--until", type=_date_arg, metavar="DATE", help="to DATE (YYYY-MM-DD)")
    digest.add_argument("-o", "--output", metavar="FILE", help="PLAINTEXT file (asks first)")
    digest.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    digest.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    return parser


def main(argv: Sequence[str] | None = None, *, policy: KdfPolicy = DEFAULT_POLICY) -> int:
    harden_process()
    err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
    try:
        args = build_parser().parse_args(argv)
        ctx = Context(args, policy)
        if args.demo and args.command is not None:
            raise UsageError("--demo opens the app with a throwaway journal; it takes no command.")
        if args.command is None:
            args.passphrase_fd = None
            return cmd_tui(ctx)
        handler: Callable[[Context], int] = args.handler
        return handler(ctx)
    except JournalError as error:
        # Messages can quote a name from an import file: no escape sequences reach the terminal.
        err.print(Text(sanitize_text(error.message)))
        return error.exit_code
    except KeyboardInterrupt:
        err.print("Interrupted; nothing more was changed.")
        return 1
    except Exception as error:  # the last line of defence: a short message, no traceback
        err.print(
            f"peerjournal stopped because of an unexpected error ({type(error).__name__}). "
            "No note text is shown here; your saved entries are safe."
        )
        return 1

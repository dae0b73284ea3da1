"""The `peerjournal` command: parses arguments, asks for passphrases, calls the core, prints.

Exit codes (design.md section 6): 0 ok, 1 unexpected error, 2 usage, 3 wrong passphrase,
4 journal damaged or tampered, 5 no journal (or one already exists, for init), 6 in use.
Error output is one or two plain sentences: never a traceback, never note text, never a key.
This module never imports textual; the TUI is imported only when it is asked for.

Start-up is kept short: at module level only the standard library's argument parsing, the
error types, `printable` and the process hardening are imported. rich and the core modules a
command uses are imported when it needs them, and the journal's modules while Argon2id derives
the key in a thread of its own (`Context.open_journal`), so what is left to wait for is the
derivation.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from peerjournal import __version__
from peerjournal.core.errors import JournalError, UsageError
from peerjournal.core.platform import harden_process
from peerjournal.core.printable import printable
from peerjournal.core.words import describe_counts

if TYPE_CHECKING:
    from concurrent.futures import Future

    from rich.console import Console

    from peerjournal.core.backup import BackupSummary
    from peerjournal.core.journal import Journal, SearchHit
    from peerjournal.core.kdf import KdfPolicy
    from peerjournal.core.markdown import EntryFilter
    from peerjournal.core.wellbeing import WellbeingSummary

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


def new_passphrase(
    fd: int | None, err: Console, policy: KdfPolicy, *, what: str = "passphrase"
) -> str:
    """A new passphrase that today's rule accepts: asked twice on a terminal, with the rules
    first and the estimator's words after each try; from a descriptor, checked the same way."""
    from peerjournal.core.passphrase import (
        LOSS_WARNING,
        PASSPHRASE_RULES,
        assess,
        meter_text,
        require_acceptable,
        seconds_per_guess,
    )

    if fd is not None:
        chosen = read_line_from_fd(fd)
        require_acceptable(chosen, what=what)
        return chosen
    err.print(LOSS_WARNING)
    err.print(f"Rules: {PASSPHRASE_RULES}")
    per_guess = seconds_per_guess(policy)
    while True:
        chosen = _ask(f"New {what}: ")
        assessment = assess(chosen)
        err.print(meter_text(assessment, per_guess))
        if not assessment.acceptable:
            continue
        if _ask(f"Repeat the new {what}: ") == chosen:
            return chosen
        err.print("The two entries differ; please try again.")


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


def _console(*, stderr: bool = False) -> Console:
    """A rich console that prints text as it is: markup=False, so paths and user text are
    never parsed as markup."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)


class Context:
    def __init__(self, args: argparse.Namespace, policy: KdfPolicy) -> None:
        self.args = args
        self.policy = policy
        self.home = resolve_home(args.home)
        self.weak_passphrase = False

    # The consoles are made on first use: importing rich takes longer than Python's own start.
    @cached_property
    def out(self) -> Console:
        return _console()

    @cached_property
    def err(self) -> Console:
        return _console(stderr=True)

    @property
    def stderr_is_terminal(self) -> bool:
        """Whether standard error is a terminal (spinners, styles). When it is plainly not one
        (a script's pipe or file), this is answered without importing rich."""
        return sys.stderr.isatty() and self.err.is_terminal

    def note(self, message: str) -> None:
        """One message on standard error: through rich on a terminal, as it is otherwise (a
        script's output then does not wait for rich to be imported)."""
        if self.stderr_is_terminal:
            self.err.print(message)
        else:
            print(message, file=sys.stderr, flush=True)

    def open_journal(
        self,
        *,
        policy: KdfPolicy | None = None,
        assess_passphrase: bool = False,
        while_deriving: Callable[[], object] | None = None,
    ) -> Journal:
        """Find and lock the journal first (so 'no journal' and 'in use' come before the
        passphrase prompt), then unlock it.

        Argon2id starts as soon as the passphrase is read, in a thread of its own, and only
        what locating the journal needs is imported before it. The journal module, and
        whatever the command imports in `while_deriving`, are imported while it runs (the
        derivation releases the GIL), so they add nothing to the wait where a core is free.
        With `assess_passphrase`, `weak_passphrase` says afterwards whether today's rule would
        refuse the passphrase; that estimate runs beside the key derivation too.
        """
        from peerjournal.core.vault import Vault

        vault = Vault.locate(self.home, policy=policy or self.policy)
        try:
            passphrase = existing_passphrase(self.args.passphrase_fd)
            derivation = vault.start_key_derivation(passphrase)
            assessment: Future[bool] | None = None
            if assess_passphrase:
                from concurrent.futures import ThreadPoolExecutor

                from peerjournal.core.passphrase import is_weak

                pool = ThreadPoolExecutor(max_workers=1)
                assessment = pool.submit(is_weak, passphrase)
                pool.shutdown(wait=False)  # result() below waits for the one estimate
            from peerjournal.core.journal import Journal

            if while_deriving is not None:
                while_deriving()
            if self.stderr_is_terminal:
                with self.err.status("Unlocking…"):
                    keys = derivation.keys()
            else:
                keys = derivation.keys()
            vault.unlock_with_keys(keys)
            self.weak_passphrase = assessment is not None and assessment.result()
            return Journal(vault)
        except BaseException:
            vault.close()
            raise


def cmd_init(ctx: Context) -> int:
    from peerjournal.core.journal import Journal

    passphrase = new_passphrase(ctx.args.passphrase_fd, ctx.err, ctx.policy)
    if ctx.stderr_is_terminal:
        with ctx.err.status("Creating the journal (tuning the key derivation to this machine)…"):
            journal = Journal.create(ctx.home, passphrase, policy=ctx.policy)
    else:
        journal = Journal.create(ctx.home, passphrase, policy=ctx.policy)
    with journal:
        params = journal.vault.header.params
        ctx.out.print(f"Created an encrypted journal in {printable(ctx.home)}")
        ctx.out.print(
            f"Argon2id: {params.memory_kib // 1024} MiB, {params.iterations} passes, "
            f"{params.parallelism} lanes."
        )
    return 0


def cmd_check(ctx: Context) -> int:
    from peerjournal.core.kdf import ARGON2_MINIMUM, KdfPolicy
    from peerjournal.core.passphrase import weak_existing_message

    # Open with a permissive floor so a weak journal can be *reported*; the cap still holds.
    permissive = KdfPolicy(floor=ARGON2_MINIMUM, cap=ctx.policy.cap)
    with ctx.open_journal(policy=permissive, assess_passphrase=True) as journal:
        report = journal.check(ctx.policy.floor)
        counts = journal.counts()
    params, floor = report.params, ctx.policy.floor
    ctx.out.print(f"Journal: {printable(ctx.home)} (generation {report.generation})")
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
    ctx.out.print(f"Entries: {describe_counts(counts)}")
    if ctx.weak_passphrase:  # advice, not a problem: the journal itself is fine
        ctx.out.print(weak_existing_message("run 'peerjournal passwd'"))
    if report.ok:
        ctx.out.print("Header authentic; cipher and database integrity checks passed.")
        return 0
    ctx.out.print("The journal needs attention (see the problems above).")
    return 4


def cmd_passwd(ctx: Context) -> int:
    from peerjournal.core.kdf import ARGON2_MINIMUM, KdfPolicy

    # A journal below today's floor may be opened here, precisely to re-key it at full
    # strength (`check` recommends this); the new settings come from the normal policy.
    lenient = KdfPolicy(floor=ARGON2_MINIMUM, cap=ctx.policy.cap)
    with ctx.open_journal(policy=lenient) as journal:
        new = new_passphrase(ctx.args.new_passphrase_fd, ctx.err, ctx.policy)
        if ctx.stderr_is_terminal:
            with ctx.err.status("Re-encrypting the journal with the new passphrase…"):
                journal.change_passphrase(new, ctx.policy)
        else:
            journal.change_passphrase(new, ctx.policy)
    ctx.out.print("Passphrase changed. The old one no longer opens this journal.")
    return 0


def cmd_search(ctx: Context) -> int:
    # A script reading the hits (stdout not a terminal) gets them as plain lines, the same
    # text rich would print there, without waiting for rich to be imported. On a terminal
    # rich is imported while Argon2id runs.
    to_terminal = sys.stdout.isatty()
    with ctx.open_journal(while_deriving=_import_rich_text if to_terminal else None) as journal:
        query = ctx.args.query
        if query is None:
            # Asked here rather than taken from argv, so it stays out of shell history.
            if not sys.stdin.isatty():
                raise UsageError("Give the words to search for, or run this in a terminal.")
            query = input("Search for: ")
        hits = journal.search(query, limit=ctx.args.limit)
    from peerjournal.core.journal import parse_query  # imported with the journal already

    notice = parse_query(query).notice
    if notice:
        ctx.note(notice)
    if not hits:
        ctx.note("No matches.")
        return 0
    if not to_terminal:
        sys.stdout.write("".join(f"{_hit_line(hit)}\n" for hit in hits))
        sys.stdout.flush()
        return 0
    from rich.text import Text

    for hit in hits:
        line = Text()
        line.append(_hit_kind(hit), style="bold")
        line.append(f"{hit.when[:10]}  ")
        line.append(hit.alias or hit.title, style="cyan")
        line.append("  ")
        for part, matched in hit.snippet:
            line.append(part, style="reverse" if matched else "")
        ctx.out.print(line)
    return 0


def _import_rich_text() -> None:
    import rich.text  # noqa: F401 - imported while Argon2id runs, used once it is done


def _hit_kind(hit: SearchHit) -> str:
    return f"{hit.kind.replace('_', ' '):<12} "


def _hit_line(hit: SearchHit) -> str:
    """One search hit as the plain text of its styled line: kind, date, alias or title,
    snippet (stored text is sanitised, and snippets are one line)."""
    return f"{_hit_kind(hit)}{hit.when[:10]}  {hit.alias or hit.title}  {hit.snippet_text}"


def _busy(ctx: Context, message: str, work: Callable[[], T]) -> T:
    """Run `work`, with a spinner on stderr when it is a terminal."""
    if ctx.stderr_is_terminal:
        with ctx.err.status(message):
            return work()
    return work()


def _write_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _refuse_existing(target: Path | None, overwrite: bool) -> None:
    """Refuse a target file before any passphrase is asked: a folder, a name too long, a
    missing folder, or (without --overwrite) a file that exists."""
    from peerjournal.core.exchange import check_export_target

    if target is None:
        return
    check_export_target(target, overwrite=True)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise UsageError(
            f"{printable(target)} already exists; choose another name or add --overwrite."
        )


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While plaintext is written: SIGTERM and SIGHUP stop us the way Ctrl-C does.

    Their default action ends the process on the spot, leaving the hidden partial file behind;
    as a KeyboardInterrupt, the write's own clean-up runs first. (Only SIGKILL and a power cut
    remain; the next export into that folder removes what they left.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    names = ("SIGTERM", "SIGHUP")
    wanted = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, interrupt) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say_leftovers(ctx: Context, removed: int, folder: Path) -> None:
    """Say that an earlier, killed export's hidden leftovers were removed (if any were)."""
    from peerjournal.core.exchange import leftovers_message

    if removed:
        ctx.err.print(leftovers_message(removed, folder))


def _consent_to_plaintext(ctx: Context, where: str) -> bool:
    """The one warning every plaintext export shows, and the user's answer."""
    from peerjournal.core.exchange import PLAINTEXT_WARNING

    ctx.note(PLAINTEXT_WARNING.format(where=where))
    if confirm("Export anyway?", assume_yes=ctx.args.yes):
        return True
    ctx.note("Nothing was exported.")
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
        raise UsageError(f"{printable(folder)} is not empty; --split needs a new or empty folder.")
    where = (
        f" to {printable(target)}"
        if target
        else f" into {printable(folder)}"
        if folder
        else " to the terminal"
    )
    if not _consent_to_plaintext(ctx, where):
        return 0
    with ctx.open_journal(while_deriving=_import_exporters) as journal:
        from peerjournal.core.exchange import export_json_bytes
        from peerjournal.core.markdown import render_markdown

        if args.format == "json":
            data, files, count = export_json_bytes(journal), [], None
        else:
            rendered = render_markdown(journal, _entry_filter(journal, args), split=bool(folder))
            data, count = rendered.document.encode(), rendered.entries
            files = [(name, text.encode()) for name, text in rendered.files]
    from peerjournal.core.exchange import write_private_file, write_private_folder

    what = _count(count, "entry", "entries") if count is not None else "the journal"
    if folder is not None:
        with _terminate_as_interrupt():
            removed = write_private_folder(folder, files)
        _say_leftovers(ctx, removed, folder.parent)
        ctx.err.print(
            f"Exported {what} into {printable(folder)}, one file each (readable by you only)."
        )
    elif target is None:
        _write_stdout(data)
    else:
        with _terminate_as_interrupt():
            removed = write_private_file(target, data, overwrite=args.overwrite)
        _say_leftovers(ctx, removed, target.parent)
        ctx.err.print(f"Exported {what} to {printable(target)} (readable by you only).")
    return 0


def _import_exporters() -> None:
    import peerjournal.core.exchange
    import peerjournal.core.markdown  # noqa: F401 - imported while Argon2id runs


def cmd_import(ctx: Context) -> int:
    from peerjournal.core.exchange import import_records, parse_export, read_import_file
    from peerjournal.core.jrnl import import_jrnl, parse_jrnl

    raw = read_import_file(Path(ctx.args.file))  # a regular file only, its size checked first
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


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _print_backup(ctx: Context, summary: BackupSummary) -> None:
    ctx.out.print(f"Made: {printable(summary.made_at or 'unknown')}")
    ctx.out.print(f"Journal created: {printable(summary.journal_created_at)}")
    ctx.out.print(f"Holds: {describe_counts(summary.counts)}")
    ctx.out.print(f"Size: {summary.size_bytes / 1_000_000:.1f} MB")


def _backup_passphrase(ctx: Context) -> str:
    fd = ctx.args.passphrase_fd
    return read_line_from_fd(fd) if fd is not None else _ask("Passphrase of the backup: ")


def cmd_backup(ctx: Context) -> int:
    from rich.text import Text

    from peerjournal.core.backup import create_backup, scratch_near, verify_backup

    target = Path(ctx.args.file)
    if ctx.args.verify:
        if ctx.args.overwrite:
            raise UsageError("--verify only reads the backup; it takes no --overwrite.")
        if not target.is_file():
            raise UsageError(f"There is no backup file {printable(target)}.")
        passphrase = _backup_passphrase(ctx)
        summary = _busy(
            ctx,
            "Verifying the backup…",
            lambda: verify_backup(
                target, passphrase, policy=ctx.policy, scratch=scratch_near(ctx.home)
            ),
        )
        ctx.out.print(f"Backup: {printable(target)}")
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
    ctx.out.print(f"Backup written to {printable(target)} and verified.")
    if summary.cleaned_notice:  # names found on disk: no control characters reach the terminal
        ctx.err.print(Text(printable(summary.cleaned_notice)))
    _print_backup(ctx, summary)
    ctx.out.print("It opens with the journal's current passphrase. It is encrypted; keep it safe.")
    return 0


def cmd_restore(ctx: Context) -> int:
    from peerjournal.core.backup import prepare_restore
    from peerjournal.core.vault import HEADER_NAME, ProcessLock

    source = Path(ctx.args.file)
    if not source.is_file():
        raise UsageError(f"There is no backup file {printable(source)}.")
    if (ctx.home / HEADER_NAME).exists():
        ProcessLock(ctx.home).release()  # "in use" is said before the passphrase is asked
    passphrase = _backup_passphrase(ctx)
    prepared = _busy(
        ctx,
        "Verifying the backup…",
        lambda: prepare_restore(ctx.home, source, passphrase, policy=ctx.policy),
    )
    with prepared:
        ctx.out.print(f"The backup {printable(source)} is intact.")
        _print_backup(ctx, prepared.summary)
        if prepared.replaces_journal:
            ctx.err.print(
                f"Restoring replaces the journal in {printable(ctx.home)}. That journal is not "
                "deleted: it is moved to a folder beside it, named "
                f"{printable(ctx.home.name)}.replaced-<date-time>."
            )
            if not confirm("Restore this backup?", assume_yes=ctx.args.yes):
                ctx.err.print("Nothing was restored.")
                return 0
        result = prepared.install()
    result.journal.close()
    ctx.out.print(f"Restored into {printable(ctx.home)}. It opens with the backup's passphrase.")
    if result.replaced_kept_in is not None:
        ctx.out.print(
            f"The journal it replaced is kept in {printable(result.replaced_kept_in)} (still "
            "encrypted, with its own passphrase). Delete that folder once you are sure you do "
            "not need it."
        )
    return 0


def cmd_purge(ctx: Context) -> int:
    from rich.text import Text

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
    from peerjournal.core.digest import DigestOptions, supervision_digest
    from peerjournal.core.exchange import write_private_file
    from peerjournal.core.supervision import digest_default_since

    args = ctx.args
    if args.since and args.all:
        raise UsageError("--since and --all cannot be used together.")
    if args.since and args.until and args.since > args.until:
        raise UsageError("--since is after --until.")
    target: Path | None = Path(args.output) if args.output else None
    if args.candidates and target is not None:
        raise UsageError("--candidates prints the list only; leave out -o.")
    _refuse_existing(target, args.overwrite)
    if target is not None and not _consent_to_plaintext(ctx, f" to {printable(target)}"):
        return 0
    options = DigestOptions(
        their_words=args.with_their_words,
        setting=args.with_setting,
        exact_dates=args.exact_dates,
        wellbeing=args.with_wellbeing,
        keep=tuple(args.keep or ()),
        redact=tuple(args.redact or ()),
    )
    with ctx.open_journal() as journal:
        # Without --since: since the last supervision (the whole journal when there is none).
        since = args.since if args.since or args.all else digest_default_since(journal)
        if since and args.until and since > args.until:
            raise UsageError(
                f"The last supervision was after --until; give --since or --all. "
                f"(The digest would start on {since.isoformat()}.)"
            )
        digest = supervision_digest(journal, since, args.until, options)
    if args.candidates:
        lines = [
            f"{candidate.kind}\t{candidate.word}\t{candidate.count}\t{candidate.context}"
            for candidate in digest.candidates
        ]
        _write_stdout(("\n".join(lines) + "\n" if lines else "").encode())
        ctx.err.print(
            f"{_count(len(digest.candidates), 'candidate')} left to review (kind, word, times, "
            "context). Keep one with --keep WORD, redact one with --redact WORD."
        )
        return 0
    if target is None:
        _write_stdout(digest.text.encode())
    else:
        with _terminate_as_interrupt():
            removed = write_private_file(target, digest.text.encode(), overwrite=args.overwrite)
        _say_leftovers(ctx, removed, target.parent)
        ctx.err.print(f"Wrote the digest to {printable(target)} (readable by you only).")
    ctx.err.print(
        f"{_count(digest.reflections, 'reflection')}, "
        f"{_count(digest.sessions, 'linked session')}, "
        f"{_count(len(digest.people), 'name')}; "
        f"{_count(digest.redactions, 'identifier')} redacted; "
        f"{_count(len(digest.candidates), 'candidate')} to review (--candidates). "
        "Read it through before you share it."
    )
    return 0


def cmd_supervision(ctx: Context) -> int:
    """What waits for supervision (prepare), or the supervisions recorded (list)."""
    from rich.text import Text

    from peerjournal.core import supervision as sv
    from peerjournal.core.models import Supervision
    from peerjournal.core.words import words_for

    with ctx.open_journal() as journal:
        if ctx.args.action == "list":
            recorded = list(reversed(journal.all_records(Supervision)))
            actions = {s.id: sv.agreed_actions(journal, s.id) for s in recorded}
            brought = {s.id: len(sv.brought_items(journal, s)) for s in recorded}
        else:
            discussed = None if ctx.args.all else False
            items = sv.items_for_supervision(journal, discussed=discussed)
            latest = sv.last_supervision(journal)
    if ctx.args.action == "list":
        if not recorded:
            ctx.err.print("No supervision recorded yet.")
        for record in recorded:
            done = sum(1 for action in actions[record.id] if action.status != "open")
            line = Text()
            line.append(f"{record.occurred_on}  ", style="bold")
            line.append(record.format)
            if record.supervisor_role:
                line.append(f", with {record.supervisor_role}")
            line.append(
                f"  · {brought[record.id]} brought · {len(actions[record.id])} actions "
                f"({done} done or dropped)"
            )
            if record.next_on:
                line.append(f" · next {record.next_on}")
            ctx.out.print(line)
        return 0
    if latest is None:
        ctx.err.print("No supervision recorded yet: everything marked is waiting.")
    else:
        next_text = f"; next on {latest.next_on}" if latest.next_on else ""
        ctx.err.print(f"Last supervision on {latest.occurred_on}{next_text}.")
    if not items:
        ctx.err.print("Nothing is waiting for supervision.")
    for item in items:
        line = Text()
        line.append(f"{item.when[:10]}  ")
        line.append(f"{words_for(item.kind).singular:<22} ", style="bold")
        line.append(item.summary)
        if item.discussed_on:
            line.append(f"  (discussed on {item.discussed_on})", style="dim")
        ctx.out.print(line)
    return 0


def cmd_wellbeing(ctx: Context) -> int:
    """Weekly check-ins and workload, oldest week first (core/wellbeing.py)."""
    import json

    from peerjournal.core.wellbeing import week_starts, wellbeing_summary

    today = date.today()
    week_starts(today, ctx.args.weeks)  # a bad --weeks is a usage error before the passphrase
    with ctx.open_journal() as journal:
        summary = wellbeing_summary(journal, weeks=ctx.args.weeks, today=today)
    if ctx.args.format == "json":
        _write_stdout((json.dumps(summary.to_json(), indent=2) + "\n").encode())
        return 0
    _print_wellbeing(ctx, summary)
    return 0


def _print_wellbeing(ctx: Context, summary: WellbeingSummary) -> None:
    from rich.table import Table

    from peerjournal.core.wellbeing import LAST_CHECKIN_NOTICE_DAYS, sparkline

    weeks = summary.weeks
    hours_top = max([w.hours for w in weeks] + [1.0])
    sessions_top = max([w.sessions for w in weeks] + [1])
    checkins_top = max([w.checkins for w in weeks] + [1])
    lines = [
        ("mood", sparkline([w.mood for w in weeks], 1, 5), "1-5"),
        ("energy", sparkline([w.energy for w in weeks], 1, 5), "1-5"),
        ("stress", sparkline([w.stress for w in weeks], 1, 5), "1-5"),
        ("check-ins", sparkline([w.checkins for w in weeks], 0, checkins_top), f"0-{checkins_top}"),
        ("sessions", sparkline([w.sessions for w in weeks], 0, sessions_top), f"0-{sessions_top}"),
        ("hours", sparkline([w.hours for w in weeks], 0, hours_top), f"0-{hours_top:g}"),
        ("activation", sparkline([w.activation for w in weeks], 0, 10), "0-10, in debriefs"),
    ]
    ctx.out.print(
        f"Weekly, {weeks[0].week_start.isoformat()} to this week (weeks start on Monday; "
        "· = no check-in)"
    )
    for label, line, scale in lines:
        ctx.out.print(f"  {label:<10} {line}  {scale}")
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in ("week", "check-ins", "mood", "energy", "stress", "sessions", "hours"):
        table.add_column(name, justify="left" if name == "week" else "right")
    table.add_column("flagged", justify="right")
    table.add_column("debriefs", justify="right")

    def mean(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    for week in weeks:
        table.add_row(
            week.week_start.isoformat(),
            str(week.checkins),
            mean(week.mood),
            mean(week.energy),
            mean(week.stress),
            str(week.sessions),
            f"{week.hours:.2f}",
            str(week.flagged_sessions),
            str(week.debriefs),
        )
    ctx.out.print()
    ctx.out.print(table)
    # The table stays within 80 columns; the weeks with a debrief say their activation here.
    noted = [
        f"{w.week_start.isoformat()} {mean(w.activation)}"
        for w in weeks
        if w.activation is not None
    ]
    if noted:
        ctx.out.print("\nActivation in debriefs (weekly mean, 0-10): " + ", ".join(noted))
    days = summary.last_checkin_days
    if days is not None and days > LAST_CHECKIN_NOTICE_DAYS:
        ctx.out.print(f"\nLast check-in: {days} days ago.")
    if summary.strain is not None:
        ctx.out.print(f"\n{summary.strain.text}")


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
        from rich.text import Text

        _console(stderr=True).print(Text(printable(app.exit_message)))
    return int(code or app.return_code or 0)


def _run_demo(ctx: Context) -> int:
    """A temporary journal full of made-up notes, removed when the app exits."""
    import secrets

    from peerjournal.core.demo import fill_demo_journal
    from peerjournal.core.journal import Journal
    from peerjournal.core.kdf import KdfPolicy
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


class _MarkdownKinds:
    """The choices of `export --kind`: `core.markdown.MARKDOWN_KINDS`, looked up only when
    argparse reads them (a --kind given, or the help), so that building the parser does not
    import the Markdown renderer and the journal modules under it."""

    def _kinds(self) -> tuple[str, ...]:
        from peerjournal.core.markdown import MARKDOWN_KINDS

        return MARKDOWN_KINDS

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds())

    def __contains__(self, value: object) -> bool:
        return value in self._kinds()


def _add_markdown_options(export: argparse.ArgumentParser) -> None:
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
    kind = export.add_argument(
        "--kind", action="append", help="markdown: only this kind of entry (repeat for more)"
    )
    # Set after add_argument, which formats the choices once to check the metavar.
    kind.choices = _MarkdownKinds()


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
    digest.add_argument(
        "--since",
        type=_date_arg,
        metavar="DATE",
        help="from DATE (YYYY-MM-DD); default: the day after the last supervision",
    )
    digest.add_argument(
        "--all", action="store_true", help="from the start of the journal (instead of --since)"
    )
    digest.add_argument("--until", type=_date_arg, metavar="DATE", help="to DATE (YYYY-MM-DD)")
    digest.add_argument("-o", "--output", metavar="FILE", help="PLAINTEXT file (asks first)")
    digest.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    digest.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    digest.add_argument(
        "--candidates",
        action="store_true",
        help="list what is left to review (capitalised words, numbers, quotes) with context",
    )
    digest.add_argument(
        "--keep", action="append", metavar="WORD", help="never redact WORD (repeatable)"
    )
    digest.add_argument(
        "--redact", action="append", metavar="WORD", help="always redact WORD (repeatable)"
    )
    digest.add_argument(
        "--with-their-words",
        action="store_true",
        help="include their words (left out: verbatim quotes are easily recognised)",
    )
    digest.add_argument(
        "--with-setting",
        action="store_true",
        help='include the setting (left out: "home" says where someone was met)',
    )
    digest.add_argument(
        "--exact-dates",
        action="store_true",
        help="show exact dates (left out: the week is shown; a day can point to one person)",
    )
    digest.add_argument(
        "--with-wellbeing",
        action="store_true",
        help="include weekly mood and stress means in the summary (left out: they are yours)",
    )
    supervision = command(
        "supervision",
        cmd_supervision,
        "what waits for supervision (prepare), or the supervisions recorded (list)",
    )
    supervision.add_argument(
        "action",
        choices=["prepare", "list"],
        nargs="?",
        default="prepare",
        help="prepare: marked for supervision and not yet discussed, oldest first (default); "
        "list: the supervisions recorded, newest first",
    )
    supervision.add_argument(
        "--all", action="store_true", help="prepare: the discussed ones too, with their date"
    )
    wellbeing = command(
        "wellbeing", cmd_wellbeing, "how I have been: weekly check-ins and workload"
    )
    wellbeing.add_argument(
        "--weeks", type=int, default=12, metavar="N", help="the last N weeks (default 12)"
    )
    wellbeing.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def main(argv: Sequence[str] | None = None, *, policy: KdfPolicy | None = None) -> int:
    """The `peerjournal` command. `policy` is the Argon2id policy (tests pass a cheap one);
    None means `kdf.DEFAULT_POLICY`."""
    harden_process()
    try:
        args = build_parser().parse_args(argv)
        if policy is None:
            from peerjournal.core.kdf import DEFAULT_POLICY

            policy = DEFAULT_POLICY
        ctx = Context(args, policy)
        if args.demo and args.command is not None:
            raise UsageError("--demo opens the app with a throwaway journal; it takes no command.")
        if args.command is None:
            args.passphrase_fd = None
            return cmd_tui(ctx)
        # A restore or backup a crash cut off is finished or undone first, and said.
        from peerjournal.core.recovery import recover

        for notice in recover(ctx.home):
            _error_line(notice)
        handler: Callable[[Context], int] = args.handler
        return handler(ctx)
    except JournalError as error:
        # Messages can quote a path or a name from an import file: every control character
        # in them is shown escaped, so no escape sequence reaches the terminal.
        _error_line(error.message)
        return error.exit_code
    except KeyboardInterrupt:
        _console(stderr=True).print("Interrupted; nothing more was changed.")
        return 1
    except Exception as error:  # the last line of defence: a short message, no traceback
        _console(stderr=True).print(
            f"peerjournal stopped because of an unexpected error ({type(error).__name__}). "
            "No note text is shown here; your saved entries are safe."
        )
        return 1


def _error_line(message: str) -> None:
    """One message on standard error, every control character in it shown escaped."""
    from rich.text import Text

    _console(stderr=True).print(Text(printable(message)))

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
from pathlib import Path

from rich.console import Console
from rich.text import Text

from peerjournal import __version__
from peerjournal.core.errors import JournalError, UsageError
from peerjournal.core.exchange import (
    export_json_bytes,
    import_records,
    parse_export,
    write_private_file,
)
from peerjournal.core.hardening import harden_process
from peerjournal.core.journal import Journal
from peerjournal.core.kdf import DEFAULT_POLICY, KdfPolicy
from peerjournal.core.passphrase import LOSS_WARNING, MIN_LENGTH, assess
from peerjournal.core.vault import Vault

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
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

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
    with ctx.open_journal() as journal:
        new = new_passphrase(ctx.args.new_passphrase_fd, ctx.err, what="passphrase")
        if ctx.err.is_terminal:
            with ctx.err.status("Re-encrypting the journal with the new passphrase…"):
                journal.change_passphrase(new)
        else:
            journal.change_passphrase(new)
    ctx.out.print("Passphrase changed. The old one no longer opens this journal.")
    return 0


def cmd_search(ctx: Context) -> int:
    with ctx.open_journal() as journal:
        query = ctx.args.query
        if query is None:
            # Asked here rather than taken from argv, so it stays out of shell history.
            query = input("Search for: ") if sys.stdin.isatty() else ""
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


PLAINTEXT_WARNING = (
    "This writes your notes as PLAINTEXT{where}. Anyone who can read it can read them, and it "
    "may be synced or backed up. Delete it when you no longer need it."
)


def cmd_export(ctx: Context) -> int:
    target: Path | None = Path(ctx.args.output) if ctx.args.output else None
    if target is not None and target.exists() and not ctx.args.overwrite:
        raise UsageError(f"{target} already exists; choose another name or add --overwrite.")
    where = f" to {target}" if target else " to the terminal"
    ctx.err.print(PLAINTEXT_WARNING.format(where=where))
    if not confirm("Export anyway?", assume_yes=ctx.args.yes):
        ctx.err.print("Nothing was exported.")
        return 0
    with ctx.open_journal() as journal:
        data = export_json_bytes(journal)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_private_file(target, data, overwrite=ctx.args.overwrite)
        ctx.err.print(f"Exported to {target} (readable by you only).")
    return 0


def cmd_import(ctx: Context) -> int:
    source = Path(ctx.args.file)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise UsageError(f"Cannot read {source}: {error.strerror}.") from None
    records = parse_export(raw)  # validate everything before asking for the passphrase
    with ctx.open_journal() as journal:
        summary = import_records(journal, records)
    ctx.out.print(
        f"Imported {summary.total_added} new and {summary.total_updated} updated records; "
        f"{summary.total_unchanged} were already here."
    )
    return 0


def cmd_tui(ctx: Context) -> int:
    ctx.err.print(
        "The terminal app comes next. For now, use the commands: init, check, passwd, search, "
        "export, import (peerjournal --help)."
    )
    return 0


# --------------------------------------------------------------------------------------------
# Parser and entry point


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
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    export.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    export.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    imp = command("import", cmd_import, "import a peerjournal JSON export (merges by id)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--format", choices=["peerjournal"], default="peerjournal")
    return parser


def main(argv: Sequence[str] | None = None, *, policy: KdfPolicy = DEFAULT_POLICY) -> int:
    harden_process()
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        args = build_parser().parse_args(argv)
        ctx = Context(args, policy)
        if args.command is None:
            args.passphrase_fd = None
            return cmd_tui(ctx)
        handler: Callable[[Context], int] = args.handler
        return handler(ctx)
    except JournalError as error:
        err.print(Text(error.message))
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

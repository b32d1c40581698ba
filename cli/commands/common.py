"""What every command shares: the LEDGER argument, output paths, years and days checked with a
Chinese + English message, loading the books, and writing an output file whole or not at all."""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path

import click

from fundtrail.findings import is_ledger_error
from fundtrail.ledgertext import without_controls
from fundtrail.periods import parse_period, period_wording
from fundtrail.workspace import REPORTS, shown_source


class LedgerFile(click.ParamType):
    """An existing ledger file; a directory or a missing file is a clear error (exit 1)."""

    name = "LEDGER"

    def convert(self, value, param, ctx):
        path = Path(value)
        if path.is_dir():
            hint = path / "main.beancount"
            raise click.ClickException(
                f"这是目录, 不是账簿文件 {value} is a directory, not a ledger file"
                + (f" (请用 use {hint})" if hint.is_file() else ""))
        if not path.is_file():
            raise click.ClickException(f"找不到账簿文件 ledger file not found: {value}")
        return str(value)


class OutputPath(click.ParamType):
    """Where a command writes: a file (`directory=False`) or a directory that may not exist yet."""

    name = "PATH"

    def __init__(self, directory: bool):
        self.directory = directory

    def convert(self, value, param, ctx):
        path, label = Path(value), (param.opts[0] if param else "")
        if self.directory and path.exists() and not path.is_dir():
            raise click.ClickException(f"输出目录是一个文件 {label} {value} is a file, not a directory")
        if not self.directory and path.is_dir():
            raise click.ClickException(f"应为文件而不是目录 {label} {value} is a directory, give a file name")
        return path


class Year(click.ParamType):
    name = "YEAR"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return parse_period(value, "year").year
        except ValueError:
            raise click.ClickException(f"{period_wording('year')}: {value!r}") from None


class Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise click.ClickException(f"日期应为 YYYY-MM-DD date must look like 2024-09-30: {value!r}") from None


LEDGER = click.argument("ledger", type=LedgerFile())


def out_help(what: str, name: str = "") -> str:
    """The help of an `--out` option: what it is and the default, the workspace's reports/."""
    return f"{what} (默认: 账簿旁的 reports/{name} default: reports/{name} next to the ledger)"


def workspace_reports(ledger: str) -> Path:
    """Where reports and exports go unless `--out` says otherwise: the workspace's `reports/`,
    next to the ledger file (never `reports` in the current directory)."""
    return Path(ledger).parent / REPORTS


def load_books(ledger: str, warn: bool = True, trust_caches: bool = True):
    """The one way a command loads the books: `Books` (entries, errors, options and figures).
    With `warn`, say on stderr that the ledger has errors (for commands that report anyway).
    `trust_caches=False` (seal): without the seal plugin's memory. Every load keeps to the
    loading policy (fundtrail.loading: plugin allow-list, includes inside the workspace, no
    pickle cache); `verify` loads with `loading.load_to_verify`."""
    from fundtrail.books import Books

    books = Books.load(ledger, trust_caches=trust_caches)
    errors = [e for e in books.errors if is_ledger_error(e)]
    if warn and errors:
        click.echo(f"警告 warning: 账簿有 {len(errors)} 个错误 the ledger has {len(errors)} errors "
                   f"(fundtrail check {ledger}); 报表可能不完整 reports may be incomplete", err=True)
    return books


@contextlib.contextmanager
def writing_books(ledger: str, what: str, dry_run: bool = False):
    """Hold the workspace's write lock (fundtrail.lock) for a command that writes the books:
    say so when another writer makes us wait, a clear error when it holds on too long."""
    from fundtrail import lock

    if dry_run:
        yield
        return
    try:
        with lock.writing(Path(ledger).resolve().parent, what, say=lambda m: click.echo(m, err=True)):
            yield
    except lock.LockBusy as busy:
        raise click.ClickException(str(busy)) from None


def require_period(books, start: datetime.date, end: datetime.date, label: str) -> None:
    """Refuse a report period outside the years the books hold transactions in
    (fundtrail.reports.facts.period_problem, which Fava's downloads ask too)."""
    from fundtrail.reports.facts import period_problem

    problem = period_problem(books, start, end, label)
    if problem:
        raise click.ClickException(problem)


def cannot_write(path: Path, error: OSError) -> click.ClickException:
    blocking = next((p for p in Path(path).parents if p.exists() and not p.is_dir()), None)
    reason = (f"{blocking} 是文件不是目录 is a file, not a directory" if blocking
              else error.strerror or str(error))
    return click.ClickException(f"无法写入 cannot write {path}: {reason}")


@contextlib.contextmanager
def rendering():
    """Inside, a report that cannot be rendered for want of the Chinese font or of the holiday
    calendar's year ends the command with that message."""
    from fundtrail.reports.render import MissingFont

    try:
        yield
    except MissingFont as error:
        raise click.ClickException(str(error)) from None
    except NotImplementedError as error:  # chinese_calendar knows a fixed range of years
        raise click.ClickException(f"节假日日历不含该年份, 请升级 chinesecalendar "
                                   f"the holiday calendar lacks that year: {error}") from None


def write(path: Path, content, quiet: bool = False) -> None:
    """Write whole or not at all: `content` (bytes, or a function making them) goes to a
    temporary file renamed into place."""
    with rendering():
        content = content() if callable(content) else content
    partial = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(content)
        partial.replace(path)
    except OSError as error:
        if partial.parent.is_dir():
            partial.unlink(missing_ok=True)
        raise cannot_write(path, error) from None
    if not quiet:
        click.echo(f"已生成 written: {path}")


def shown_error(error):
    """A ledger error as a user reads it: its file named by `shown_source`."""
    source = getattr(error, "source", None)
    if isinstance(source, dict) and source.get("filename") and hasattr(error, "_replace"):
        return error._replace(source={**source, "filename": shown_source(str(source["filename"]))})
    return error


def printable(text) -> str:
    """Text from the books or a batch as the terminal shows it: control and format characters
    (terminal escapes, NUL, bidi overrides) dropped, so a payee cannot drive the terminal."""
    return without_controls(text)

"""The `fundtrail` group's error handling: every error is shown Chinese first (`错误 Error: …`,
a usage error's lines `用法 Usage: …` and `帮助 Help: …`); click's own usage errors (a missing
argument, an unknown option, a value not among the choices) say what is wrong in Chinese first,
click's English after it, and keep click's exit status 2; a failure no command foresaw ends with a short Chinese +
English message naming the error's type and place, exit 70, never a traceback
(`FUNDTRAIL_DEBUG=1` shows the traceback for a developer); a full disk says so (exit 1)."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import traceback
from pathlib import Path

import click

_HAN = re.compile(r"[\u4e00-\u9fff]")
_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2: help on no arguments
INTERNAL = 70  # EX_SOFTWARE: a fault of the program, not of the user's input
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)  # the machine's state, not the program's fault
DISK_FULL = ("磁盘空间不足，命令未完成（账簿文件整体替换，未写完的文件不会替换原文件）；请清理磁盘空间后重新运行"
             " no space left on device: the command did not finish (a ledger file is replaced whole, never"
             " by a half-written one); free some space and run it again")


def _chinese(error: click.UsageError) -> str:
    """What is wrong, in Chinese, from the kind of click error."""
    text = error.format_message()
    if isinstance(error, click.NoSuchOption):
        return f"没有选项 {error.option_name}"
    if isinstance(error, click.MissingParameter):
        param = error.param
        name = (param.opts[0] if param is not None and param.opts and param.param_type_name == "option"
                else (param.human_readable_name if param is not None else ""))
        kind = "选项" if param is not None and param.param_type_name == "option" else "参数"
        return f"缺少{kind} {name}".rstrip()
    if isinstance(error, click.BadParameter):
        name = error.param.get_error_hint(error.ctx) if error.param is not None and error.ctx else \
            " / ".join([error.param_hint] if isinstance(error.param_hint, str) else error.param_hint or [])
        return f"参数值无效 {name}".rstrip()
    if isinstance(error, click.BadOptionUsage):
        return f"选项用法错误 {error.option_name}"
    if text.startswith("No such command"):
        return "没有这个命令"
    if "unexpected extra argument" in text:
        return "多余的参数"
    return "用法错误"


def _internal(error: Exception) -> click.ClickException:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"
    exception = click.ClickException(
        f"程序内部错误（{type(error).__name__}，{where}），请把所用命令报告给维护人员"
        f" internal error ({type(error).__name__} at {where}); please report the command used"
        " (FUNDTRAIL_DEBUG=1 shows the traceback)")
    exception.exit_code = INTERNAL
    return exception


@contextlib.contextmanager
def guarded():
    """Click's usage errors in Chinese + English; any other failure as `_internal` says."""
    try:
        yield
    except click.UsageError as error:
        if isinstance(error, _HELP):
            raise  # the group's help
        if isinstance(error, click.BadParameter) and _HAN.search(error.message):
            # a command's own bilingual message: after what is wrong, not after click's English
            raise _shown(click.UsageError(f"{_chinese(error)}：{error.message}", error.ctx)) from None
        if _HAN.search(error.format_message()):
            _shown(error)  # the command's own bilingual message
            raise
        raise _shown(click.UsageError(f"{_chinese(error)} {error.format_message()}", error.ctx)) from None
    except click.Abort:
        raise _shown(click.ClickException("已中止 aborted")) from None
    except click.ClickException as error:
        _shown(error)  # a command's message
        raise
    except (click.exceptions.Exit, EOFError):
        raise  # click's own: an exit status, or an aborted prompt
    except Exception as error:
        if os.environ.get("FUNDTRAIL_DEBUG") or (isinstance(error, OSError) and error.errno == errno.EPIPE):
            raise
        if isinstance(error, OSError) and error.errno in _DISK_FULL:
            raise _shown(click.ClickException(DISK_FULL)) from None
        raise _shown(_internal(error)) from None


def _shown(error: click.ClickException) -> click.ClickException:
    """The error as click shows it, but Chinese first: `错误 Error: …` (click's `Error: …`), and
    for a usage error the command's usage and where its help is, each line led by Chinese."""
    error.show = functools.partial(_show, error)
    return error


def _show(error: click.ClickException, file=None) -> None:
    ctx = getattr(error, "ctx", None) if isinstance(error, click.UsageError) else None
    color = ctx.color if ctx is not None else getattr(error, "show_color", None)
    lines = []
    if ctx is not None:
        lines.append(f"用法 Usage: {ctx.get_usage().removeprefix('Usage: ')}")
        if ctx.command.get_help_option(ctx) is not None:
            help_option = max(ctx.command.get_help_option_names(ctx), key=len)
            lines.append(f"帮助 Help: {ctx.command_path} {help_option}")
        lines.append("")
    lines.append(f"错误 Error: {error.format_message()}")
    click.echo("\n".join(lines), file=file, err=file is None, color=color)


class Group(click.Group):
    """The `fundtrail` group: its own and every subcommand's errors pass through `guarded`."""

    def make_context(self, info_name, args, parent=None, **extra):
        with guarded():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        with guarded():
            return super().invoke(ctx)

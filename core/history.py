"""Change history: the workspace is a git repository and every change is a commit by its user.

`commit(root, message)` is what imports, seals and dispositions call after they write; `git log`
over the workspace is then the human-readable audit trail (who did what, when, and the diff).
The author is the user's configured name: `git config user.name`, else $FUNDTRAIL_USER, else
the operating-system user. Git would silently alter a name holding `<`, `>` or a line break, or
starting or ending with a space or one of `. , : ; " ' \\`: such an author is refused
(`author_problem`), never recorded altered.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

from fundtrail.ledgertext import controls_in

# Local state that is never history: load caches, the server's keys and sessions
LOCAL = (".fundtrail/",)
# The temporary file of an atomic write (fundtrail.atomicwrite: `.<name>.<random>.tmp`), left
# beside its file when the writer is killed (kill -9, the OOM killer) before the rename: a
# half-written copy of a ledger file or of the books cache, never history
TEMPORARY = ".*.tmp"
IGNORED = (".*.picklecache", ".fundtrail-seals.cache*", ".fundtrail-books.cache*", *LOCAL, "__pycache__/",
           "/reports/", TEMPORARY)
NO_GIT = "未找到 git, 无法记录修改历史 git is not installed: install it (apt-get install git) for the change history"


class HistoryError(Exception):
    """A git command failed (Chinese + English message)."""


def available() -> bool:
    return shutil.which("git") is not None


def _git(root: Path, *args: str, env: dict | None = None) -> str:
    if not available():
        raise HistoryError(NO_GIT)
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise HistoryError(f"修改历史操作（git {args[0]}）失败，工作区“{Path(root).name}” "
                           f"git {args[0]} failed: {result.stderr.strip()}")
    return result.stdout


def is_repo(root: Path) -> bool:
    """Whether the workspace is the top of its own git repository (not a folder inside
    another project's)."""
    if not available() or not Path(root).is_dir():
        return False
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                            capture_output=True, text=True)
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == Path(root).resolve()


def _config(root: Path, name: str) -> str:
    result = subprocess.run(["git", "-C", str(root), "config", name], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def user(root: Path) -> str:
    """The name changes are recorded under."""
    name = _config(root, "user.name") if available() else ""
    return name or os.environ.get("FUNDTRAIL_USER", "") or getpass.getuser()


# characters git drops from both ends of an author name (ident.c `crud`), and anywhere
_CRUD_ENDS = frozenset(",:;<>\"\\'.")
_DROPPED = frozenset("<>\n")


def author_problem(name: str) -> str:
    """Why git would not record `name` as it is ("" when it would): the Chinese + English
    reason."""
    def crud(c: str) -> bool:
        return ord(c) <= 32 or c in _CRUD_ENDS

    if not name or any(c in _DROPPED or ord(c) < 32 or ord(c) == 127 for c in name) \
            or controls_in(name) or crud(name[0]) or crud(name[-1]):  # a bidi override spoofs the author
        return (f"用户名 {name!r} 不能含 < > 或控制字符, 首尾不能是空格或 . , : ; \" ' \\ (git 会改写它) "
                "the name must not hold < > or control characters, nor start or end with a space "
                "or . , : ; \" ' \\ (git would alter it in the history)")
    return ""


def _identity(root: Path, author: str | None = None) -> dict:
    name = author or user(root)
    problem = author_problem(name)
    if problem:
        raise HistoryError(problem)
    email = _config(root, "user.email") or f"{getpass.getuser()}@localhost"
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}


def init(root: Path, message: str) -> str | None:
    """Make `root` a git repository (the load cache is ignored) with a first commit."""
    root = Path(root)
    if not is_repo(root):
        _git(root, "init", "-q")
        (root / ".gitignore").write_text("".join(f"{p}\n" for p in IGNORED), "utf-8")
    return commit(root, message)


def commit(root: Path, message: str, author: str | None = None) -> str | None:
    """Commit every change in the workspace; the commit id, or None outside a repository or
    when nothing changed. `author` names the logged-in user when there is one (Fava behind
    `serve --users`); otherwise the configured user."""
    root = Path(root)
    if not is_repo(root):
        return None
    # never a killed write's temporary file, also in workspaces whose .gitignore predates it
    _git(root, "add", "-A", "--", ".", f":(exclude,glob)**/{TEMPORARY}")
    # never the local state, also in workspaces whose .gitignore predates it
    _git(root, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", *(p.rstrip("/") for p in LOCAL))
    if not _git(root, "diff", "--cached", "--name-only").strip():
        return None
    identity = _identity(root, author)
    _git(root, "commit", "-q", "-m", message, env=identity)
    return _git(root, "rev-parse", "HEAD").strip()


def log(root: Path, link: str | None = None, paths: tuple[str, ...] = ()) -> str:
    """`git log` of the books, or of the commits whose diffs touched a line holding `^link`."""
    args = ["log", "--date=iso", "--format=%h %ad %an%n    %s", "--stat=100"]
    if link:
        args += ["-G", "\\^" + _regex(link.lstrip("^")) + "([^A-Za-z0-9_./-]|$)"]
    return _git(Path(root), *args, "--", *(paths or (".",)))


def _regex(text: str) -> str:
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in text)

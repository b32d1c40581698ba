"""The users file of `fundtrail serve --users FILE`: who may log in, with which role.

A password has at least 8 characters, 4 different ones, is not the user name and not one of
the common passwords shipped in web/common-passwords.txt. A user name is recorded as git author
of the user's web saves exactly as written: names git would alter are refused
(fundtrail.history.author_problem), and so are names with a control or format character (the
findings desk would refuse them as the author of a disposition), at `users add` and when the
file is read.

A JSON object `{"users": {"<name>": {"role": "accountant"|"auditor", "password": "<hash>"}}}`;
passwords are stored only as werkzeug.security hashes. `fundtrail users add FILE NAME --role
auditor` writes it.

    accountant (会计)  everything Fava offers, including the source editor
    auditor    (审计)  reads everything and records dispositions of findings; no source editor,
                       no /api/source, no other writes
"""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from fundtrail.atomicwrite import atomic
from fundtrail.history import author_problem
from fundtrail.ledgertext import controls_in
from fundtrail.workflow import ROLE_LABELS

ROLES = ROLE_LABELS  # the roles a user may have, as the workflow names them (fundtrail.workflow)
MIN_PASSWORD = 8


class UsersFileError(Exception):
    """The users file cannot be read (Chinese + English, naming the file)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password: str  # the hash


def load(path: Path) -> dict[str, User]:
    """The users, re-read only when the file changed (the login layer asks on every request, so
    a removed user loses access at once). A file another OS user wrote or may write is refused
    (`foreign`): a planted users file is a planted accountant."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise UsersFileError(f"找不到用户文件 users file not found: {path}") from None
    problem = foreign(stat)
    if problem:
        raise UsersFileError(f"拒绝使用用户文件 {path}: {problem}")
    return dict(_parse(path, (stat.st_ino, stat.st_mtime_ns, stat.st_size)))


def foreign(stat) -> str:
    """Why a users file with this stat is not one this OS user wrote ("" when it is): owned by
    another user (root excepted), or writable by the group or others. `fundtrail users add`
    writes it 0600."""
    if os.name != "posix":
        return ""
    if stat.st_uid not in (os.geteuid(), 0):
        return ("文件属于其他系统用户, 请由运行服务器的用户用 fundtrail users add 重新生成 "
                "the file belongs to another OS user")
    if stat.st_mode & 0o022:
        return ("文件可被其他系统用户写入 (任何能写入它的人都能加入会计账户), 请执行 chmod 600 "
                "the file is writable by the group or others: chmod 600 it")
    return ""


def refuse_in_workspace(path: Path, root: Path) -> None:
    """UsersFileError when the users file is inside the workspace at `root` (links followed):
    whoever can write the workspace could add an accountant to it (and git would keep the
    password hashes)."""
    try:
        inside = Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError):
        inside = False
    if inside:
        raise UsersFileError(
            f"拒绝使用工作区内的用户文件 {path}: 能写入工作区的人即可加入会计账户; 请移到工作区以外 "
            "(例如 ~/.config/fundtrail/users.json) the users file must be outside the workspace")


@functools.lru_cache(maxsize=8)
def _parse(path: Path, _version: tuple) -> dict[str, User]:
    try:
        raw = json.loads(path.read_text("utf-8"))
        table = {name: User(name, spec["role"], spec["password"])
                 for name, spec in raw["users"].items() if spec["role"] in ROLES}
    except FileNotFoundError:
        raise UsersFileError(f"找不到用户文件 users file not found: {path}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UsersFileError(f"用户文件格式错误 users file {path} is malformed: {error}") from None
    except OSError as error:
        raise UsersFileError(f"无法读取用户文件 cannot read the users file {path}: "
                             f"{error.strerror or error}") from None
    for user in table.values():
        if not isinstance(user.password, str) or "$" not in user.password:
            raise UsersFileError(f"用户文件格式错误 users file {path}: 用户 {user.name} 的密码不是 "
                                 f"`fundtrail users add` 写的哈希 the password of {user.name!r} is not a hash")
        problem = name_problem(user.name)
        if problem:
            raise UsersFileError(f"用户文件格式错误 users file {path}: {problem}")
    return table


def add(path: Path, name: str, role: str, password: str) -> User:
    """Add or replace a user (atomic write)."""
    if role not in ROLES:
        raise UsersFileError(f"未知角色 unknown role {role!r}; one of {', '.join(ROLES)}")
    if not name.strip():
        raise UsersFileError("用户名不能为空 the user name is empty")
    problem = name_problem(name)
    if problem:
        raise UsersFileError(problem)
    weak = password_weakness(password, name)
    if weak:
        raise UsersFileError(weak)
    path = Path(path)
    users = load(path) if path.exists() else {}
    users[name] = User(name, role, generate_password_hash(password))
    text = json.dumps({"users": {u.name: {"role": u.role, "password": u.password}
                                 for u in users.values()}}, ensure_ascii=False, indent=1)
    atomic(path, (text + "\n").encode("utf-8"), mode=0o600)
    return users[name]


def name_problem(name: str) -> str:
    """Why `name` cannot be a user ("" when it can): it is the git author of their web saves
    (fundtrail.history), recorded exactly as written or not at all, and the `by:` of their
    dispositions, which the findings desk refuses with a control or format character (C1
    controls, bidi overrides, zero-width characters: fundtrail.ledgertext)."""
    problem = author_problem(name)
    if problem:
        return problem
    found = controls_in(name)
    if found:
        codes = " ".join(found[:5])
        return (f"用户名 {name!r} 含有控制字符或格式字符 {codes}, 此用户将无法记录处置 "
                f"the user name holds control or format characters ({codes})")
    return ""


def password_weakness(password: str, name: str = "") -> str:
    """Why a password is refused ("" when it is acceptable)."""
    if not password:
        return "密码不能为空 the password must not be empty"
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符 the password needs at least {MIN_PASSWORD} characters"
    if len(set(password)) < 4 or password == name:
        return "密码过于简单 the password is too simple (repeated characters or the user name)"
    if _plain(password) in common_passwords():
        return "密码是常用密码, 容易被猜中 the password is one of the most common passwords"
    return ""


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords refused (web/common-passwords.txt, shipped with the package),
    compared as `_plain` puts them."""
    text = resources.files("fundtrail.web").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(_plain(line) for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def _plain(password: str) -> str:
    """A password as the common-password list is compared: without regard to case, to blanks
    around it, or to full-width letters and digits (a Chinese input method's ｐａｓｓｗｏｒｄ)."""
    return unicodedata.normalize("NFKC", password).strip().casefold()


@functools.cache
def _decoy() -> str:
    return generate_password_hash("fundtrail-no-such-user")


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """The user when the password is right; an unknown name costs a hash check too, so the
    answer's timing does not tell which names exist."""
    user = users.get(name)
    ok = check_password_hash(user.password if user else _decoy(), password)
    return user if user and ok else None

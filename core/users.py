"""The users file of `fundtrail serve --users FILE`: who may log in, with which role.

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
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from fundtrail.atomicwrite import atomic

ROLES = {"accountant": "会计", "auditor": "审计"}


class UsersFileError(Exception):
    """The users file cannot be read (Chinese + English, naming the file)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password: str  # the hash


def load(path: Path) -> dict[str, User]:
    """The users, re-read only when the file changed (the login layer asks on every request, so
    a removed user loses access at once)."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise UsersFileError(f"找不到用户文件 users file not found: {path}") from None
    return dict(_parse(path, (stat.st_ino, stat.st_mtime_ns, stat.st_size)))


@functools.lru_cache(maxsize=8)
def _parse(path: Path, _version: tuple) -> dict[str, User]:
    try:
        raw = json.loads(path.read_text("utf-8"))
        return {name: User(name, spec["role"], spec["password"])
                for name, spec in raw["users"].items() if spec["role"] in ROLES}
    except FileNotFoundError:
        raise UsersFileError(f"找不到用户文件 users file not found: {path}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UsersFileError(f"用户文件格式错误 users file {path} is malformed: {error}") from None


def add(path: Path, name: str, role: str, password: str) -> User:
    """Add or replace a user (atomic write)."""
    if role not in ROLES:
        raise UsersFileError(f"未知角色 unknown role {role!r}; one of {', '.join(ROLES)}")
    if not name.strip():
        raise UsersFileError("用户名不能为空 the user name is empty")
    path = Path(path)
    users = load(path) if path.exists() else {}
    users[name] = User(name, role, generate_password_hash(password))
    text = json.dumps({"users": {u.name: {"role": u.role, "password": u.password}
                                 for u in users.values()}}, ensure_ascii=False, indent=1)
    atomic(path, (text + "\n").encode("utf-8"), mode=0o600)
    return users[name]


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    user = users.get(name)
    return user if user and check_password_hash(user.password, password) else None

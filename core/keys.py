"""The server's local secrets, kept in the workspace's `.fundtrail/` folder (0700, git-ignored,
never committed): the key that signs login sessions and CSRF tokens, and the open sessions.
Kept there so a restart does not log everyone out; deleting the folder does."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from fundtrail.atomicwrite import atomic

FOLDER = ".fundtrail"
KEY_FILE = "server.key"
SESSIONS_FILE = "sessions.json"


def folder(root: Path) -> Path:
    path = Path(root) / FOLDER
    path.mkdir(mode=0o700, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


def server_key(root: Path) -> bytes:
    """The signing key, made on first use."""
    path = folder(root) / KEY_FILE
    with contextlib.suppress(OSError):
        stored = path.read_bytes()
        if len(stored) >= 32:
            return stored
    atomic(path, secrets.token_bytes(32), mode=0o600)
    return path.read_bytes()


def sessions_path(root: Path) -> Path:
    return folder(root) / SESSIONS_FILE

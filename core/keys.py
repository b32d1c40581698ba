"""The OS user's local secrets, kept outside every workspace.

Whoever can write a workspace (a shared folder, a workspace received from elsewhere) must not
thereby gain powers, so no key lives there. They live in the OS user's config folder
(`~/.config/fundtrail/`, `$XDG_CONFIG_HOME/fundtrail/` if set; `config_folder()`), beside the
seal memory's key (fundtrail.sealcache) and the county's allow-list (fundtrail.loading):

- the key that signs `fundtrail serve`'s login sessions and CSRF tokens, and the open sessions,
  one folder per workspace (`serve/<folder name>-<hash of its path>/server.key` and
  `sessions.json`), so two workspaces served on one machine share neither key nor sessions.

Folders are 0700, files 0600. Sessions outlive a restart; deleting the workspace's folder under
`serve/` logs everyone out, and a workspace moved to another path starts afresh. A `server.key`
or `sessions.json` in the workspace's own `.fundtrail/` (where they were once kept) is never
read: someone who can write the workspace could plant one and mint a login.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path

from fundtrail.atomicwrite import atomic

KEY_FILE = "server.key"
SESSIONS_FILE = "sessions.json"
SERVE_FOLDER = "serve"
WORKSPACE_FOLDER = ".fundtrail"  # where the server's files once were: never read
_SAFE = re.compile(r"[^\w.-]")


def config_folder() -> Path:
    """The OS user's fundtrail settings and keys: `$XDG_CONFIG_HOME/fundtrail`, else
    `~/.config/fundtrail` (never inside a workspace)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "fundtrail"


def private_folder(path: Path) -> Path:
    """`path` made (with its missing parents) and set to 0700."""
    path = Path(path)
    for missing in reversed([path, *path.parents]):
        if not missing.exists():
            missing.mkdir(mode=0o700, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


def folder(root: Path) -> Path:
    """The server's folder for the workspace at `root` (made 0700 on first use): named after the
    workspace's folder and a hash of its full path, so each workspace has its own."""
    root = Path(root).resolve()
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
    name = _SAFE.sub("_", root.name)[:40] or "workspace"
    private_folder(config_folder())
    return private_folder(config_folder() / SERVE_FOLDER / f"{name}-{digest}")


def server_key(root: Path) -> bytes:
    """The signing key of the workspace at `root`, made on first use (0600)."""
    path = folder(root) / KEY_FILE
    with contextlib.suppress(OSError):
        stored = path.read_bytes()
        if len(stored) >= 32:
            return stored
    atomic(path, secrets.token_bytes(32), mode=0o600)
    return path.read_bytes()


def sessions_path(root: Path) -> Path:
    """Where the open sessions of the workspace at `root` are kept (written 0600)."""
    return folder(root) / SESSIONS_FILE


def left_in_workspace(root: Path) -> list[Path]:
    """A server key or sessions file found in the workspace's own `.fundtrail/`: ignored (the
    server says so once at start)."""
    old = Path(root) / WORKSPACE_FOLDER
    return [old / name for name in (KEY_FILE, SESSIONS_FILE) if (old / name).exists()]

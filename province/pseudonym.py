"""Keyed hashes of personal numbers: ID and card/account numbers never leave a county in clear.

`Pseudonymizer(key).id_no("370405196203151234")` is HMAC-SHA256 over a normalised number with
a domain prefix ("id", "account"), hex: the same person or account gets the same hash in every
county that uses the same key, so the province can match them, and without the key the numbers
cannot be recovered (an ID number has few enough values to be found by trying them all against
a plain hash; against a keyed one they cannot be tried).

The key belongs to the province: it makes one with `fundtrail province keygen FILE` and hands
the file to each county out of band. A county names the file in `FUNDTRAIL_PROVINCE_KEY` (or
`--key FILE`); it is never part of a workspace, a ledger or the git history.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from fundtrail.idno import account_no, id_no

ENV = "FUNDTRAIL_PROVINCE_KEY"
KEY_BYTES = 32


class ProvinceKeyError(ValueError):
    """The province key is missing or unusable (a Chinese + English message naming the file)."""


def new_key_file(path: Path) -> Path:
    """Write a fresh random key (hex) to `path`, readable by its owner only; refuse to overwrite."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path


def read_key(path: str | os.PathLike | None = None) -> bytes:
    """The key in `path`, else in the file `FUNDTRAIL_PROVINCE_KEY` names."""
    path = path or os.environ.get(ENV)
    if not path:
        raise ProvinceKeyError(f"未配置省级哈希密钥 no province hash key: give --key FILE or set {ENV}")
    try:
        text = Path(path).read_text("ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ProvinceKeyError(f"无法读取省级哈希密钥 cannot read the province key {path}: {error}") from None
    if len(key) < KEY_BYTES:
        raise ProvinceKeyError(f"省级哈希密钥过短 the province key in {path} is shorter than "
                        f"{KEY_BYTES} bytes; make one with `fundtrail province keygen`")
    return key


class Pseudonymizer:
    def __init__(self, key: bytes):
        self._key = key

    def _hash(self, domain: str, number: str) -> str | None:
        if not number:
            return None
        return hmac.new(self._key, f"{domain}:{number}".encode(), hashlib.sha256).hexdigest()

    def id_no(self, value) -> str | None:
        return self._hash("id", id_no(value))

    def account(self, value) -> str | None:
        """A bank, card or 一卡通 account: one domain, so a card paid as a firm's account matches."""
        return self._hash("account", account_no(value))

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it (a county export records which key it used)."""
        return self._hash("fingerprint", "FUNDTRAIL")[:16]

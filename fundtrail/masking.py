"""The one masking policy for every public output: ID numbers, bank/card accounts, phones, addresses.

`Masker(policy).text(s)` masks every personal number found anywhere in free text (names,
narrations, metadata); the field helpers mask a value known to be of one kind. Public phone
numbers (the supervision phone, 12317) are listed in `policy.public_phones` and kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID_NO = re.compile(r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[0-9Xx](?![0-9])")
ACCOUNT = re.compile(r"(?<![0-9])\d(?:[ -]?\d){11,22}(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")


@dataclass(frozen=True)
class MaskPolicy:
    id_head: int = 6  # keep the region code ...
    id_tail: int = 0  # ... and this many trailing digits
    account_tail: int = 4
    phone_head: int = 3
    phone_tail: int = 4
    public_phones: frozenset[str] = field(default_factory=lambda: frozenset({"12317"}))


def _keep(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden <= 0:
        return "*" * len(value)
    return value[:head] + "*" * hidden + (value[-tail:] if tail else "")


class Masker:
    def __init__(self, policy: MaskPolicy | None = None):
        self.policy = policy or MaskPolicy()

    def id_no(self, value: str) -> str:
        return _keep(str(value), self.policy.id_head, self.policy.id_tail)

    def account(self, value: str) -> str:
        digits = re.sub(r"\D", "", str(value))
        return _keep(digits, 0, self.policy.account_tail)

    def phone(self, value: str) -> str:
        if str(value) in self.policy.public_phones:
            return str(value)
        return _keep(str(value), self.policy.phone_head, self.policy.phone_tail)

    def text(self, value) -> str:
        text = str(value)
        text = ID_NO.sub(lambda m: self.id_no(m.group()), text)
        text = MOBILE.sub(lambda m: self.phone(m.group()), text)
        return ACCOUNT.sub(lambda m: self.account(m.group()), text)

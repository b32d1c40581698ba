"""The one masking policy for every public output: ID numbers, bank/card accounts, phones, addresses.

`Masker(policy).text(s)` masks every personal number found anywhere in free text (names,
narrations, metadata): 18- and 15-digit ID numbers (with X, spaces or dashes), bank and card
numbers of 12 to 23 digits (with spaces or dashes), mobile numbers (with +86/0086 and separators),
landlines (0632-8812345), and house numbers in addresses (3组15号). Full-width digits are read as
digits. The field helpers mask a value known to be of one kind. Public phone numbers (the
supervision phone, 12317) are listed in `policy.public_phones` and kept.

How much to show is a setting, read from the ledger by `MaskPolicy.from_entries`:

    2023-01-01 custom "masking" "policy"
      id_head: 6          ; keep the region code ...
      id_tail: 0          ; ... and this many trailing characters
      account_tail: 4
      phone_head: 3
      phone_tail: 4
      names: "full"       ; or "surname": 张** (village practice decides)

Identifiers the system itself issues (voucher numbers, bank serials, 一卡通 rows, as links:
VOU-20245201000001, PSBC-1188-20241220000003) are evidence, not personal data: `link()`
keeps them when they have one of those shapes, and masks anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

NATIONAL_HOTLINE = "12317"
_SEP = r"[ \-]?"
ID_NO = re.compile(
    rf"(?<![0-9])[1-9]\d{{5}}{_SEP}(?:18|19|20)\d{{2}}{_SEP}(?:0[1-9]|1[0-2]){_SEP}"
    rf"(?:0[1-9]|[12]\d|3[01]){_SEP}\d{{3}}[0-9Xx](?![0-9])"
    rf"|(?<![0-9])[1-9]\d{{5}}{_SEP}\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{{3}}(?![0-9])")
MOBILE = re.compile(rf"(?:(?<![0-9])(?:\+|00)86{_SEP}|(?<![0-9]))1[3-9]\d(?:{_SEP}\d){{8}}(?![0-9])")
LANDLINE = re.compile(r"(?:(?<![0-9])(?:\+|00)86[ \-]?|(?<![0-9]))(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?[2-9]\d{6,7}(?![0-9])")
ACCOUNT = re.compile(r"(?<![0-9])\d(?:[ \-]?\d){11,22}(?![0-9])")
HOUSE = re.compile(r"(?<=[路街巷道村组弄楼栋元])\d+(?=号|组|弄|栋|单元|室|楼|户)")
LINK = re.compile(r"(?:VOU-\d{14}|[A-Z]{2,5}-\d{4}-\d{6,14}|YKT-[A-Z0-9-]+|[A-Z]+\d{4}-[A-Z0-9-]+"
                  r"|ALLOT-[A-Z0-9-]+|[A-Z]{2,5}-\d{4}-OPEN)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－Ｘｘ　", "0123456789+-Xx ")


@dataclass(frozen=True)
class MaskPolicy:
    id_head: int = 6  # keep the region code ...
    id_tail: int = 0  # ... and this many trailing characters
    account_tail: int = 4
    phone_head: int = 3
    phone_tail: int = 4
    names: str = "full"  # "full" (village practice) or "surname"
    public_phones: frozenset[str] = field(default_factory=lambda: frozenset({NATIONAL_HOTLINE}))

    @classmethod
    def from_entries(cls, entries, public_phones=()) -> MaskPolicy:
        """The ledger's `custom "masking"` settings; public phones are always kept."""
        settings = {}
        ints = {f.name for f in fields(cls) if f.type == "int"}
        for entry in entries:
            if getattr(entry, "type", None) == "masking":
                for key, value in entry.meta.items():
                    if key in ints:
                        settings[key] = int(value)
                    elif key == "names":
                        settings[key] = str(value)
        phones = {NATIONAL_HOTLINE, *(_digits(p) for p in public_phones if p)}
        return cls(**settings, public_phones=frozenset(phones))


def _digits(value: str) -> str:
    return re.sub(r"[^0-9Xx]", "", str(value).translate(_FULL_WIDTH))


def _keep(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden <= 0:
        return "*" * len(value)
    return value[:head] + "*" * hidden + (value[-tail:] if tail else "")


class Masker:
    def __init__(self, policy: MaskPolicy | None = None):
        self.policy = policy or MaskPolicy()

    def id_no(self, value: str) -> str:
        return _keep(_digits(value).upper(), self.policy.id_head, self.policy.id_tail)

    def account(self, value: str) -> str:
        return _keep(_digits(value), 0, self.policy.account_tail)

    def phone(self, value: str) -> str:
        digits = _digits(value)
        if digits in self.policy.public_phones or digits.lstrip("0").removeprefix("86") in \
                self.policy.public_phones:
            return str(value)
        if digits.startswith(("0086", "86")) and len(digits) > 11:
            digits = digits.removeprefix("00").removeprefix("86")
        return _keep(digits, self.policy.phone_head, self.policy.phone_tail)

    def name(self, value: str) -> str:
        value = self.text(value)
        if self.policy.names == "surname" and len(value) >= 2:
            return value[0] + "*" * (len(value) - 1)
        return value

    def address(self, value: str) -> str:
        """Keep the place down to the village; hide what follows (组, 号, 室)."""
        value = self.text(value)
        cut = max(value.rfind("村"), value.rfind("社区") + 1)
        return value[:cut + 1] + "***" if 0 <= cut < len(value) - 1 else value

    def link(self, value: str) -> str:
        value = str(value)
        return value if LINK.fullmatch(value) else self.text(value)

    def text(self, value) -> str:
        if value is None:
            return ""
        text = str(value).translate(_FULL_WIDTH)
        text = ID_NO.sub(lambda m: self.id_no(m.group()), text)
        text = MOBILE.sub(lambda m: self.phone(m.group()), text)
        text = LANDLINE.sub(lambda m: self.phone(m.group()), text)
        text = ACCOUNT.sub(lambda m: self.account(m.group()), text)
        return HOUSE.sub(lambda m: "*" * len(m.group()), text)

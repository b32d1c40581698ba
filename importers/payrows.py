"""A row of a paying roster, read alike by the 一卡通 roster (fundtrail.importers.rosters) and the
distribution roster (fundtrail.importers.collective): whether its 发放状态 says it was paid, and
the key of a row that has no 序号.

- `paid(status)`: a row is a payment when its status starts with one of `PAID` (成功, 已发放,
  已支付...) and holds none of `UNPAID` (失败, 未, 退回, 退票: 发放失败, 未发放 and 已退回 are
  not payments); the pre-payment gate also reads the statuses of rows still to be paid (`to_pay`).
  A file without a status column pays every row (`PAID[0]`).
- `roster_key`, `distribution_key`: a row without a 序号 is known by what it pays, the sha256 of
  its parts (`digest`), so the same file in another order adds nothing. The two keys are written
  in the row links of existing ledgers (`^YKT-<batch>-<key>`) and stay as they are, byte for
  byte: a roster's `R` + 11 upper-case hex digits in two link segments (`R04F93-9B96DC`: masking
  reads segments of up to six), a distribution roster's `R` + 8 lower-case ones (`Re55a743f`).
"""

from __future__ import annotations

import hashlib

PAID = ("成功", "已发放", "已支付", "已到账", "发放成功", "支付成功", "已完成")  # a row paid starts so
UNPAID = ("失败", "未", "退回", "退票")


def paid(status: str, to_pay: tuple[str, ...] = ()) -> bool:
    """Whether a row whose 发放状态 is `status` is read as a payment: it says it was paid, or
    (the gate's batch) it starts with one of `to_pay`."""
    if to_pay and status.startswith(to_pay):
        return True
    return status.startswith(PAID) and not any(word in status for word in UNPAID)


def digest(*parts) -> str:
    """The sha256 (hex) of a row's parts, each as text, joined by the unit separator."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def roster_key(item: str, id_number: str, card: str, amount, day) -> str:
    """A 一卡通 roster row's key without a 序号: `R` + 44 bits in two link segments (the digest's
    hex digits in upper case)."""
    hex_digits = digest(item, id_number, card, amount, day).upper()
    return f"R{hex_digits[:5]}-{hex_digits[5:11]}"


def distribution_key(asset: str, purpose: str, payee: str, amount, day) -> str:
    """A distribution roster row's key without a 序号: `R` + 32 bits (`payee`: the ID number,
    else the name)."""
    return "R" + digest(asset, purpose, payee, amount, day)[:8]

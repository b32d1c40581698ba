"""How a finding names the entry it concerns."""

from __future__ import annotations


def entry_key(entry) -> str:
    """How a finding names its entry: its links (bank serial, voucher, roster row), which no
    unrelated edit changes; an entry without links by date, payee, narration and amounts."""
    if entry.links:
        return ",".join(sorted(entry.links))
    amounts = ",".join(f"{p.account}={p.units.number}" for p in entry.postings)
    return f"{entry.date}|{entry.payee}|{entry.narration}|{amounts}"


"""Voucher number gaps (凭证断号): numbers missing inside a voucher number sequence.

Rule `voucher-gap` (default severity medium). Voucher numbers come from the entries' `voucher:`
metadata and their `^VOU-<number>` links. The last `voucher_seq_digits` digits of a number are its
sequence; what comes before is its series (for a treasury payment voucher 2025 5201 000022: year
and VtCode 20255201, sequence 000022). Within each series, a number missing between two recorded
ones is a gap: a voucher issued and not booked, or never issued. The finding sits on the first
voucher after the gap and links it. Numbers before the first recorded one of a series are not
gaps (the books may start mid-sequence).

Settings:
    voucher_seq_digits  6   digits at the end of a voucher number that count up
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from fundtrail import findings
from fundtrail.plugins.settings import INTEGER, Setting

SETTINGS = (Setting("voucher_seq_digits", INTEGER, 6, "凭证号末尾顺序号的位数", low=1),)


def voucher_gap(ctx):
    digits = ctx.settings["voucher_seq_digits"]
    series = defaultdict(dict)  # series -> sequence -> entry
    for number, entry in itertools.chain(ctx.flows.voucher_links, ctx.flows.voucher_meta):
        head, tail = number[:-digits], number[-digits:]
        if head and tail.isdigit():
            series[head].setdefault(int(tail), entry)
    for head, entries in sorted(series.items()):
        numbers = sorted(entries)
        if numbers[-1] - numbers[0] == len(numbers) - 1:
            continue  # none missing
        for before, after in itertools.pairwise(numbers):
            if after - before > 1:
                missing = [f"{head}{n:0{digits}d}" for n in (before + 1, after - 1)]
                span = missing[0] if before + 2 == after else f"{missing[0]} 至 {missing[1]}"
                entry = entries[after]
                yield findings.emit(
                    "voucher-gap", f"{head}|{before}|{after}", entry,
                    links=[f"VOU-{head}{after:0{digits}d}"], series=head,
                    count=after - before - 1, span=span, before=f"{head}{before:0{digits}d}",
                    after=f"{head}{after:0{digits}d}")


RULES = {"voucher-gap": voucher_gap}

"""fundtrail's seal check: no change to a sealed period goes unnoticed (封账校验).

For every `custom "seal"` directive (written by `fundtrail seal`, see fundtrail.seals and
docs/audit-trail.md) the plugin recomputes the period's hash from the entries and registers now
in the ledger and compares it with the sealed one and with the previous seal in the chain. Each
entry changed, deleted or inserted in a sealed period, each sealed register row changed or
deleted, a broken chain or an altered seal record is an error naming the seal, placed on the
entry concerned (or on the seal directive when the entry is gone). Entries are returned unchanged.

The sidecars and registers it read are added to the `include` list, so beancount's load cache
(and Fava) reload when one of them changes. A period whose entries are written byte for byte
as when the plugin last verified it is not recomputed (fundtrail.sealcache); `fundtrail verify`
recomputes everything. No configuration:

    plugin "fundtrail.plugins.seal"

Before (sealed through 2024-09-30, then an amount edited):
    2024-04-23 * "禾丰农业专业合作社" "预付款" ^ICBC-2345-23000032
      Expenses:Project:QH2024-002    122273.00 CNY   ; was 122237.00
After: the same entries, plus the error
    imported.beancount:812: 封账 2024-09-30（哈希 3f1c...）：已封账分录被修改：2024-04-23
    ^ICBC-2345-23000032
(the message is Chinese only; the machine reads the error's fields: seal, change, key)
"""

from __future__ import annotations

from fundtrail import seals

__plugins__ = ("seal",)


def seal(entries, options_map):
    if not options_map.get("filename"):  # a string ledger: nothing can have been sealed
        return entries, []
    errors, watched = seals.verify(entries, options_map, cached=True)
    include = options_map.setdefault("include", [])
    include += [str(path) for path in watched if str(path) not in include]
    return entries, errors

"""The accounts works money went to, as the books name them, read once per load.

A works flow (spending other than a household subsidy: `FlowIndex.works`) names the account
its money went to by its posting's `card:` or `payee_account:`, or by its entry's
`payee_account:`; most name none. shared-card and personal-account each ask which; one walk
over the works reads the three keys while the flow is at hand and keeps them for the flows that
name any, so that neither rule reads every flow's and entry's metadata again.
"""

from __future__ import annotations


def named_accounts(index) -> dict[int, tuple]:
    """id(flow) -> (flow, its `card:`, its `payee_account:`, its entry's `payee_account:`) of
    each works flow that names any of them (the others None), in ledger order."""
    def build():
        found = {}
        for flow in index.works:
            meta, entry_meta = flow.meta, flow.entry.meta
            if "payee_account" in meta or "card" in meta or "payee_account" in entry_meta:
                found[id(flow)] = (flow, meta.get("card"), meta.get("payee_account"),
                                   entry_meta.get("payee_account"))
        return found
    return index.memo("rules.named_accounts", build)

"""The accounts works money went to, as the books name them, read once per load.

A works flow (spending other than a household subsidy: `FlowIndex.works`) names the account
its money went to by its posting's `card:` or `payee_account:`, or by its entry's
`payee_account:`; most name none. shared-card and personal-account each ask which; the flow
index's pass notes the flows that name any (`FlowIndex.naming`) while it holds them, and the
three keys of those alone are read here once, so that neither rule reads every flow's and
entry's metadata again.
"""

from __future__ import annotations


def named_accounts(index) -> dict[int, tuple]:
    """id(flow) -> (flow, its `card:`, its `payee_account:`, its entry's `payee_account:`) of
    each works flow that names any of them (the others None), in ledger order."""
    def build():
        found = {}
        for flow in index.naming:
            meta = flow.meta
            found[id(flow)] = (flow, meta.get("card"), meta.get("payee_account"),
                               flow.entry.meta.get("payee_account"))
        return found
    return index.memo("rules.named_accounts", build)

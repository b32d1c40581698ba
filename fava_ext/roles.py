"""Who sees personal numbers unmasked: on the villages page and, through `fundtrail serve`, in Fava's own views.

The login layer (`fundtrail serve --users`) puts the signed-in user's role in `flask.g.fundtrail_role`
or in the WSGI environ key `fundtrail.role`. A role in `internal_roles` (the extension's setting,
default accountant and auditor) is internal. Without that layer Fava only listens on 127.0.0.1, so a
request from a loopback address is internal and any other is not. `?public=1` previews the masked,
public view for anyone.
"""

from __future__ import annotations

import ipaddress

from flask import g, request

INTERNAL_ROLES = ("accountant", "auditor")


def role() -> str | None:
    return getattr(g, "fundtrail_role", None) or request.environ.get("fundtrail.role")


def is_internal(internal_roles=INTERNAL_ROLES) -> bool:
    if request.args.get("public"):
        return False
    current = role()
    if current is not None:
        return current in internal_roles
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False

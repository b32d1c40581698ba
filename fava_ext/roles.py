"""Who sees personal numbers unmasked: on the villages page and, through `fundtrail serve`, in Fava's own views.

The login layer (`fundtrail serve --users`) puts the signed-in user's role in `flask.g.fundtrail_role`
or in the WSGI environ key `fundtrail.role`. A role in `internal_roles` (the extension's setting,
default accountant and auditor) is internal. Without that layer Fava only listens on 127.0.0.1, so a
request from a loopback address is internal and any other is not. `?public=1` previews the masked,
public view for anyone: on the page, and on the data Fava's pages fetch from `/api/` while that
page is open (their requests do not repeat the page's arguments, but name the page as Referer).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import parse_qs, urlsplit

from flask import g, request

INTERNAL_ROLES = ("accountant", "auditor")


def role() -> str | None:
    return getattr(g, "fundtrail_role", None) or request.environ.get("fundtrail.role")


def user() -> str | None:
    """The signed-in user's name (the login layer's `flask.g.fundtrail_user` or WSGI environ
    key `fundtrail.user`), None without that layer."""
    return getattr(g, "fundtrail_user", None) or request.environ.get("fundtrail.user")


def public_preview() -> bool:
    """`?public=1` on this request, or on the page whose data this API read fetches (a
    referrer can only ever mask more, never unmask)."""
    if request.args.get("public"):
        return True
    if request.method != "GET" or "/api/" not in request.path or not request.referrer:
        return False
    try:
        return bool(parse_qs(urlsplit(request.referrer).query).get("public"))
    except ValueError:
        return False


def is_internal(internal_roles=INTERNAL_ROLES) -> bool:
    if public_preview():
        return False
    current = role()
    if current is not None:
        return current in internal_roles
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def over_tls(req=None) -> bool:
    """Whether the request (this one by default) came over HTTPS, directly or through a TLS
    reverse proxy (X-Forwarded-Proto): its cookies are then `Secure`."""
    req = request if req is None else req
    return req.scheme == "https" or \
        req.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower() == "https"

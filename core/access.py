"""Who may see what: a login layer in front of Fava (`fundtrail serve --users FILE`).

Fava has no authentication, and its read-only mode still serves the whole source. This WSGI
middleware asks every request for a session (a signed, HttpOnly, SameSite=Lax cookie set by the
Chinese login page at /login), then applies the role (fundtrail.users):

- without a session: pages redirect to /login, API calls and writes get 401;
- auditor: any GET except the source editor (`/<bfile>/editor/`) and the source APIs
  (`/api/source`, `/api/source_slice`); the only write is POST to the Fundtrail extension's
  `disposition` endpoint; everything else is 403;
- accountant: everything.

The app sees `environ["fundtrail.role"]`, `environ["fundtrail.user"]` and REMOTE_USER.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Request, Response

from fundtrail import users as users_file

COOKIE = "fundtrail_session"
SESSION_SECONDS = 12 * 3600
SOURCE = re.compile(r"^/[^/]+/(editor|api/source(_slice)?)/?$")
AUDITOR_WRITES = re.compile(r"^/[^/]+/extension/Fundtrail/disposition/?$")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · 资金账簿</title>
<style>body{{font-family:sans-serif;background:#f4f5f7}}form{{width:20em;margin:8em auto;
padding:2em;background:#fff;border-radius:6px;box-shadow:0 1px 4px #0002}}
label,input,button{{display:block;width:100%;box-sizing:border-box;margin:.4em 0}}.error{{color:#b00}}</style></head>
<body><form method="post" action="/login">
<h2>资金账簿 登录</h2>{error}
<input type="hidden" name="next" value="{next}">
<label>用户名 <input name="name" autocomplete="username" required autofocus></label>
<label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form></body></html>"""


class LoginRequired:
    """WSGI middleware: per-user login and role checks in front of `app`."""

    def __init__(self, app, users_path: Path, secret: bytes | None = None):
        self.app, self.users_path = app, Path(users_path)
        users_file.load(self.users_path)  # fail at start on a missing or malformed file
        self.signer = URLSafeTimedSerializer(secret or os.urandom(32), salt="fundtrail-login")

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/login":
            return self._login(request)(environ, start_response)
        if request.path == "/logout":
            response = _redirect("/login")
            response.delete_cookie(COOKIE)
            return response(environ, start_response)
        user = self._session_user(request)
        if user is None:
            return self._refuse(request)(environ, start_response)
        if not allowed(user.role, request.method, request.path):
            return Response("无权访问 forbidden for role " + user.role, 403)(environ, start_response)
        environ.update({"fundtrail.role": user.role, "fundtrail.user": user.name,
                        "REMOTE_USER": user.name})
        return self.app(environ, start_response)

    def _session_user(self, request: Request):
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            name = self.signer.loads(token, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return users_file.load(self.users_path).get(name)  # removed users lose access at once

    def _refuse(self, request: Request) -> Response:
        if request.method in READ_METHODS and "/api/" not in request.path:
            return _redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/"))
        return Response("请先登录 login required", 401)

    def _login(self, request: Request) -> Response:
        target = request.values.get("next", "/")
        # only a path on this site: browsers read "//host" and "/\\host" as another site
        target = target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
        if request.method != "POST":
            return _page(target, "")
        user = users_file.authenticate(users_file.load(self.users_path),
                                       request.form.get("name", ""), request.form.get("password", ""))
        if user is None:
            return _page(target, '<p class="error">用户名或密码错误</p>', 401)
        response = _redirect(target)
        response.set_cookie(COOKIE, self.signer.dumps(user.name), max_age=SESSION_SECONDS,
                            httponly=True, samesite="Lax")
        return response


def protect(flask_app, users_path: Path, secret: bytes | None = None):
    """Put the login layer in front of a Flask (Fava) app; the app stays a Flask app, so its
    test client goes through the layer too."""
    flask_app.wsgi_app = LoginRequired(flask_app.wsgi_app, users_path, secret)
    return flask_app


def allowed(role: str, method: str, path: str) -> bool:
    if role == "accountant":
        return True
    if role == "auditor":
        if method in READ_METHODS:
            return not SOURCE.match(path)
        return method == "POST" and bool(AUDITOR_WRITES.match(path))
    return False


def _redirect(location: str) -> Response:
    return Response("", 302, {"Location": location})


def _page(target: str, error: str, status: int = 200) -> Response:
    return Response(LOGIN_PAGE.format(next=html.escape(target), error=error), status,
                    content_type="text/html; charset=utf-8")

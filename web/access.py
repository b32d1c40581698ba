"""Who may see what: a login layer in front of Fava (`fundtrail serve --users FILE`).

Fava has no authentication, and its read-only mode still serves the whole source. This WSGI
middleware asks every request for a session (a signed, HttpOnly, SameSite=Lax cookie set by the
Chinese login page at /login), then applies the role (fundtrail.web.users):

- without a session: pages redirect to /login, API calls and writes get 401;
- auditor: any GET except the source editor (`/<bfile>/editor/`) and the source APIs
  (`/api/source`, `/api/source_slice`); the only writes are POSTs to the Fundtrail extension's
  `disposition` endpoint and the payment gate's upload (`gate`, which writes nothing);
  everything else is 403;
- accountant: everything.

The app sees `environ["fundtrail.role"]`, `environ["fundtrail.user"]` and REMOTE_USER.

Login: after 5 wrong passwords for a name (20 from an address), each further attempt waits a
delay that doubles (1 s, 2 s, … up to 15 min) and is refused with 429 before any password is
checked; an attempt is counted before its password is checked (a parallel burst gets no more
tries), a right password clears its name's count but not its address's, and a count is
forgotten after a day without a wrong password; an unknown name costs as much as a known one (fundtrail.web.users.authenticate). A session
is a random id kept on the server (with `sessions`, in a file, so it outlives a restart): logout
and expiry remove it, so a copied cookie dies with it. `next` only ever leads to a path of this
site. The cookie is `Secure` when the request came over HTTPS (directly or, per
X-Forwarded-Proto, through the reverse proxy).
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Request, Response

from fundtrail.atomicwrite import atomic
from fundtrail.fava_ext.roles import over_tls
from fundtrail.web import users as users_file
from fundtrail.workflow import ROLE_LABELS

COOKIE = "fundtrail_session"
SESSION_SECONDS = 12 * 3600
SOURCE = re.compile(r"^/[^/]+/(editor|api/source(_slice)?)/?$")
AUDITOR_WRITES = re.compile(r"^/[^/]+/extension/Fundtrail/(disposition|gate)/?$")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# wrong passwords before the delay starts: per name, and per address (higher: an office may
# share one address, and one person's typos must not lock the others out)
FREE_ATTEMPTS = {"name": 5, "address": 20}
MAX_DELAY = 15 * 60
# a count of wrong passwords with no new one for this long is forgotten: an office's typos over
# the weeks do not add up to a lock-out, and one address gets 20 free guesses a day at most
FORGET = 24 * 3600
log = logging.getLogger("fundtrail.web")

LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · 资金账簿</title>
<style>body{{font-family:sans-serif;background:#f4f5f7}}form{{width:20em;margin:8em auto;
padding:2em;background:#fff;border-radius:6px;box-shadow:0 1px 4px #0002}}
label,input,button{{display:block;width:100%;box-sizing:border-box;margin:.4em 0}}.error{{color:#b00}}</style></head>
<body><form method="post" action="/login">
<h2>资金账簿 登录</h2>{error}
<input type="hidden" name="next" value="{next}"><input type="hidden" name="csrf_token" value="{csrf}">
<label>用户名 <input name="name" autocomplete="username" required autofocus></label>
<label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form></body></html>"""


BROKEN_USERS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>暂停登录 · 资金账簿</title></head>
<body><h2>用户文件无法读取, 暂停登录</h2><p>服务器的用户文件格式错误, 请联系管理员修复
(服务器日志中有详细说明)。</p></body></html>"""


class LoginRequired:
    """WSGI middleware: per-user login and role checks in front of `app`."""

    def __init__(self, app, users_path: Path, secret: bytes | None = None,
                 sessions: Path | None = None, clock=time.monotonic):
        self.app, self.users_path = app, Path(users_path)
        users_file.load(self.users_path)  # fail at start on a missing or malformed file
        self.signer = URLSafeTimedSerializer(secret or os.urandom(32), salt="fundtrail-login")
        self.sessions = Sessions(sessions)
        self.throttle = Throttle(clock)

    def __call__(self, environ, start_response):
        try:
            return self._serve(environ, start_response)
        except users_file.UsersFileError as error:  # edited while the server runs
            log.error("%s", error)
            return Response(BROKEN_USERS_PAGE, 503, content_type="text/html; charset=utf-8")(
                environ, start_response)

    def _serve(self, environ, start_response):
        request = Request(environ)
        if request.path == "/login":
            return self._login(request)(environ, start_response)
        if request.path == "/logout":
            self.sessions.end(self._session_id(request))
            response = _redirect("/login")
            response.delete_cookie(COOKIE)
            return response(environ, start_response)
        user = self._session_user(request)
        if user is None:
            return self._refuse(request)(environ, start_response)
        if not allowed(user.role, request.method, request.path):
            return refusal(request, forbidden(user.role, request))(environ, start_response)
        environ.update({"fundtrail.role": user.role, "fundtrail.user": user.name,
                        "REMOTE_USER": user.name})
        return self.app(environ, start_response)

    def _session_id(self, request: Request) -> str | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            session = self.signer.loads(token, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return session if isinstance(session, str) else None

    def _session_user(self, request: Request):
        name = self.sessions.user(self._session_id(request))
        return users_file.load(self.users_path).get(name) if name else None  # removed users lose access at once

    def _refuse(self, request: Request) -> Response:
        if request.method in READ_METHODS and "/api/" not in request.path:
            return _redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/"))
        return Response("请先登录", 401)

    def _login(self, request: Request) -> Response:
        target = safe_next(request.values.get("next", "/"))
        csrf = request.environ.get("fundtrail.csrf", "")
        if request.method != "POST":
            return _page(target, "", csrf=csrf)
        name = request.form.get("name", "")
        keys = ("name:" + name, "address:" + (request.remote_addr or ""))
        wait = self.throttle.attempt(keys)  # counted as wrong until the password is right
        if wait:
            return _page(target, f'<p class="error">尝试次数过多, 请 {wait} 秒后再试</p>', 429, csrf)
        user = users_file.authenticate(users_file.load(self.users_path), name,
                                       request.form.get("password", ""))
        if user is None:
            return _page(target, '<p class="error">用户名或密码错误</p>', 401, csrf)
        self.throttle.passed(keys)
        response = _redirect(target)
        response.set_cookie(COOKIE, self.signer.dumps(self.sessions.start(user.name)),
                            max_age=SESSION_SECONDS, httponly=True, samesite="Lax",
                            secure=over_tls(request))
        return response


class Sessions:
    """Open sessions on the server: a random id per login (only its hash is stored), ended by
    logout or expiry; kept in `path` (0600) when given, so they outlive a restart."""

    def __init__(self, path: Path | None = None):
        self.path, self.lock = path, threading.Lock()
        self.open: dict[str, list] = {}  # sha256(id) -> [name, expiry (epoch seconds)]
        if path and Path(path).is_file():
            self.open = _read_sessions(Path(path))

    def start(self, name: str) -> str:
        session = secrets.token_urlsafe(32)
        with self.lock:
            now = time.time()
            self.open = {k: v for k, v in self.open.items() if v[1] > now}
            self.open[_digest(session)] = [name, now + SESSION_SECONDS]
            self._save()
        return session

    def user(self, session: str | None) -> str | None:
        entry = self.open.get(_digest(session)) if session else None
        return entry[0] if entry and entry[1] > time.time() else None

    def end(self, session: str | None) -> None:
        with self.lock:
            if session and self.open.pop(_digest(session), None):
                self._save()

    def _save(self) -> None:
        if self.path:
            atomic(Path(self.path), json.dumps(self.open).encode(), mode=0o600)


class Throttle:
    """Wrong passwords per name and per address ("name:…", "address:…"): after FREE_ATTEMPTS,
    a doubling delay. A right password clears its name's count, never the address's; a count
    with no new wrong password for FORGET seconds is forgotten."""

    def __init__(self, clock=time.monotonic):
        self.clock, self.lock = clock, threading.RLock()
        self.failures: dict[str, tuple[int, float]] = {}  # key -> (count, time of the last)

    def attempt(self, keys) -> int:
        """Seconds still to wait (0: go ahead, and the attempt is counted as a wrong password
        at once, in the same lock, so that a burst of parallel guesses cannot all pass the
        check before any of them is counted; `passed` takes it back)."""
        with self.lock:
            wait = self.wait(keys)
            if not wait:
                self.failed(keys)
            return wait

    def wait(self, keys) -> int:
        """Seconds still to wait before another attempt (0: go ahead)."""
        now, longest = self.clock(), 0.0
        for key in keys:
            count, last = self._count(key, now)
            free = FREE_ATTEMPTS[key.split(":", 1)[0]]
            if count >= free:
                longest = max(longest, last + min(2 ** (count - free), MAX_DELAY) - now)
        return int(longest + 0.999) if longest > 0 else 0

    def failed(self, keys) -> None:
        with self.lock:
            for key in keys:
                now = self.clock()
                count, _last = self._count(key, now)
                self.failures[key] = (count + 1, now)
            if len(self.failures) > 10000:  # bounded memory under a spray of names
                oldest = sorted(self.failures, key=lambda k: self.failures[k][1])[:5000]
                for key in oldest:
                    del self.failures[key]

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, last = self.failures.get(key, (0, 0.0))
        return (count, last) if now - last < FORGET else (0, 0.0)

    def passed(self, keys) -> None:
        """A right password: the name starts afresh; the address only gets back the attempt
        `attempt` counted (one person's login must not clear another's guesses from there)."""
        with self.lock:
            for key in keys:
                if key.startswith("name:"):
                    self.failures.pop(key, None)
                elif key in self.failures:
                    count, last = self.failures[key]
                    if count > 1:
                        self.failures[key] = (count - 1, last)
                    else:
                        del self.failures[key]


def _read_sessions(path: Path) -> dict[str, list]:
    """The sessions kept in `path`; an entry that is not [name, expiry] is dropped and logged
    (those users log in again), an unreadable file is logged and starts empty."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        log.warning("会话文件无法读取, 所有用户需重新登录 sessions file %s unreadable, everyone logs in "
                    "again: %s", path, error)
        return {}
    if not isinstance(raw, dict):
        log.warning("会话文件格式错误, 所有用户需重新登录 sessions file %s is not a JSON object", path)
        return {}
    good = {key: value for key, value in raw.items()
            if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], (int, float)) and not isinstance(value[1], bool)}
    if len(good) < len(raw):
        log.warning("会话文件中 %d 条格式错误, 已忽略 sessions file %s: %d malformed entries dropped "
                    "(those users log in again)", len(raw) - len(good), path, len(raw) - len(good))
    return good


def safe_next(target: str) -> str:
    """A path of this site, else "/": browsers drop tabs and newlines from URLs and read "//host"
    and "/\\host" as another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or \
            any(c.isspace() or ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _digest(session: str) -> str:
    return hashlib.sha256(session.encode()).hexdigest()


def protect(flask_app, users_path: Path, secret: bytes | None = None,
            sessions: Path | None = None, clock=time.monotonic):
    """Put the login layer in front of a Flask (Fava) app; the app stays a Flask app, so its
    test client goes through the layer too."""
    flask_app.wsgi_app = LoginRequired(flask_app.wsgi_app, users_path, secret, sessions, clock)
    return flask_app


def forbidden(role: str, request: Request) -> str:
    """Why the role may not do what the request asks, in Chinese."""
    shown = ROLE_LABELS.get(role, role)
    if request.method in READ_METHODS and SOURCE.match(request.path):
        return f"当前角色（{shown}）不能查看账簿源文件；分录的内容可在日记账中查看"
    return f"无权访问：当前角色为{shown}"


def refusal(request: Request, message: str, status: int = 403) -> Response:
    """A refusal as the asker reads it: for Fava's API calls the JSON its pages show the
    `error` of (a popup shows the Chinese reason, not a bare "HTTP 403"), else plain text."""
    if "/api/" in request.path:
        return Response(json.dumps({"error": message}, ensure_ascii=False), status,
                        content_type="application/json")
    return Response(message, status, content_type="text/plain; charset=utf-8")


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


def _page(target: str, error: str, status: int = 200, csrf: str = "") -> Response:
    return Response(LOGIN_PAGE.format(next=html.escape(target), error=error, csrf=html.escape(csrf)),
                    status, content_type="text/html; charset=utf-8")

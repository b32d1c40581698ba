"""Fava for a fundtrail workspace, and the guard `fundtrail serve` puts around it.

`create_app(ledger)` is Fava with the ledger loaded (its Chinese UI comes from the ledger's
`fava-option` lines). `secure(app, ledger, users_path)` is what `fundtrail serve` runs
(docs/security.md):

- Host: without a users file only loopback Host headers are answered (no DNS rebinding);
- CSRF: a state-changing request whose Origin is another site is refused; a POST a plain HTML
  form could send (form or text content types) must carry the token the pages hold
  (`csrf_token` field or `X-CSRF-Token` header); Fava's own writes are PUT/DELETE with JSON,
  which no other site can send without a CORS preflight that is never granted;
- a write whose text holds control characters is refused (fundtrail.web.writes);
- writes hold the workspace lock (fundtrail.lock) and are committed (fundtrail.history) with
  the logged-in user as author;
- every response carries a Content-Security-Policy without inline scripts or event handlers
  (Fava renders some ledger strings unescaped), nosniff and no framing;
- for a role that is not internal (the extension's `internal_roles`) and `?public=1`, Fava
  is served from masked entries (fundtrail.web.masked: no query, filter or report sees a clear
  personal number), and every text answer is masked again (fundtrail.masking); spreadsheet
  query downloads, which cannot be masked as text, are refused;
- with a users file (kept outside the workspace), the login layer (fundtrail.web.access) with a
  signing key and sessions kept outside the workspace, in the OS user's config folder, one
  folder per workspace (fundtrail.keys), so sessions outlive a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from fava.application import create_app as create_fava_app
from flask import g, request
from werkzeug.wrappers import Request, Response

from fundtrail import history, lock
from fundtrail.masking import LINK, PUBLIC, Masker, masker_for
from fundtrail.web import writes
from fundtrail.workspace import shown_name

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
FORM_LIMIT = (1 << 20) + 4096  # bytes of a form post read to find the token: a 1 MB upload and its fields
WRITE_WAIT = 30.0  # seconds a web save waits for another writer
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; font-src 'self' data:; "
       "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"))
# Spans never masked: entry hashes (hex digests), the \uXXXX escapes of a JSON answer (the hex
# digits of "在 2025-03-01" escaped, "\u5728 2025-03-01", are no number), Fava's change stamp,
# and the evidence links fundtrail writes (voucher numbers, bank serials)
_KEEP = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32,64}(?![0-9A-Za-z])"
                   r"|\\u[0-9a-fA-F]{4}"
                   r"|\"mtime\": ?\"?\d+|id=\"ledger-mtime\">\d+"
                   rf"|(?<![0-9A-Za-z-])(?:{LINK.pattern})(?![0-9A-Za-z])")
_MASKED_TYPES = ("text/", "application/json", "application/javascript")
FAVA_EXTENSIONS = frozenset({"fundtrail.fava_ext"})  # and those of the county's settings file


def create_app(ledger: str, *, read_only: bool = False):
    """A Fava WSGI app with the ledger loaded (used by `fundtrail serve` and the tests).
    The path may be relative to the working directory (beancount's loader wants it absolute).
    Fava loads (and reloads) the books through fundtrail.loading, like every command, and its
    journal shows text from the books as text (fundtrail.web.inert)."""
    from fundtrail.web import inert

    load_through_fundtrail()
    named = Path(ledger).absolute()
    path = named.resolve()
    if path.parent != named.parent.resolve():
        path = named  # a link out of its folder: fundtrail.loading refuses it by this name
    app = create_fava_app([str(path)], load=True, read_only=read_only)
    inert.install(app)
    return app


def load_through_fundtrail() -> None:
    """Make Fava's ledger load (FavaLedger.load_file calls fava.core.load_uncached) go through
    fundtrail.loading: the plugin allow-list, includes confined to the workspace, no pickle
    cache. Fava extensions named by `custom "fava-extension"` are held to an allow-list too
    (fundtrail.fava_ext and the county's settings file): Fava would import any other module,
    with the ledger folder on the import path."""
    import fava.core

    fava.core.load_uncached = _fava_load


def _fava_load(path: str, *, is_encrypted: bool = False):
    from beancount import loader

    from fundtrail import loading

    entries, errors, options = loading.load(path)
    root = Path(path).resolve().parent
    _plugins, county, _errors = loading.county_allowed()
    kept = []  # documents folders outside the workspace: dropped by fundtrail.loading
    for entry in entries:
        refused = _refused_by_fava(entry, FAVA_EXTENSIONS | county, root)
        if refused:
            where = {"filename": entry.meta.get("filename", path), "lineno": entry.meta.get("lineno", 0)}
            errors.append(loading.LoadRefused(where, refused, None))
            continue
        if getattr(entry, "type", None) == "fava-extension" and \
                not loading.preimport(str(entry.values[0].value), root):  # Fava puts the folder on the path
            errors.append(loader.LoadError(
                {"filename": entry.meta.get("filename", path), "lineno": entry.meta.get("lineno", 0)},
                f'Fava 扩展 "{entry.values[0].value}" 无法从已安装的模块导入，未被加载', None))
            continue
        kept.append(entry)
    return kept, errors, options


def _refused_by_fava(entry, extensions: frozenset[str], root: Path) -> str | None:
    """Why Fava must not see this entry: an extension module not on the allow-list, an
    `import-config` option (Fava runs that Python file), a document or an `import-dirs` folder
    outside the workspace (Fava would serve the file, or any file under the folder); None for
    every other entry."""
    from beancount.core import data

    if type(entry) is data.Document:
        base = os.path.dirname(str(entry.meta.get("filename", root / "x")))
        if not _inside(entry.filename, Path(base) if os.path.isabs(base) else root, root):
            return f'拒绝工作区以外的凭证文件 "{shown_name(entry.filename)}"：Fava 不提供该文件'
        return None
    if type(entry) is not data.Custom or not entry.values:
        return None
    first = str(entry.values[0].value)
    if entry.type == "fava-extension" and first not in extensions:
        return (f'拒绝加载 Fava 扩展 "{first}"：不在允许列表中，未被加载（允许 fundtrail.fava_ext 及县级设置 '
                f"{_settings()} 中列出的模块）")
    if entry.type == "fava-option" and first == "import-dirs" and len(entry.values) > 1 \
            and not _inside(str(entry.values[1].value), root, root):
        return f'拒绝 Fava 选项 import-dirs "{entry.values[1].value}"：只能是工作区内的目录'
    if entry.type == "fava-option" and first == "import-config":
        return "拒绝 Fava 选项 import-config：不运行账簿目录中的 Python 文件，请用 fundtrail import 导入"
    return None


def _inside(name: str, base: Path, root: Path) -> bool:
    try:
        return (base / name).resolve().is_relative_to(root)
    except (OSError, RuntimeError, ValueError):
        return False


def _settings() -> Path:
    from fundtrail import loading

    return loading.settings_path()


def secure(flask_app, ledger, users_path: Path | None = None, secret: bytes | None = None):
    """Everything `fundtrail serve` adds in front of Fava (see the module doc); the app stays a
    Flask app, so its test client goes through all of it."""
    root = Path(ledger).resolve().parent
    from fundtrail import keys
    from fundtrail.web import access, masked, users

    planted = keys.left_in_workspace(root)
    if planted:  # never read: whoever can write the workspace could plant a key or a session
        access.log.warning(
            "已忽略工作区中的会话密钥或会话文件 %s (不再读取, 可删除); 服务器的会话密钥和会话保存在 %s "
            "ignored the server key or sessions file in the workspace (never read; may be deleted); "
            "the server's key and sessions are kept in %s",
            ", ".join(str(p) for p in planted), keys.folder(root), keys.folder(root))
    if users_path:
        users.refuse_in_workspace(users_path, root)
    secret = secret or keys.server_key(root)
    if users_path:
        access.protect(flask_app, users_path, secret, sessions=keys.sessions_path(root))
    masked.install(flask_app)
    flask_app.after_request(_mask_for_role)
    flask_app.after_request(_inert_document)
    flask_app.wsgi_app = Guard(flask_app.wsgi_app, root, secret, login=bool(users_path))
    return flask_app


class Guard:
    """WSGI middleware: Host and Origin checks, the CSRF token, the lock and the commit."""

    def __init__(self, app, root: Path, secret: bytes, login: bool):
        self.app, self.root, self.login = app, Path(root), login
        self.key = hmac.new(secret, b"fundtrail-csrf", hashlib.sha256).digest()

    def token(self, request: Request) -> str:
        """The CSRF token of this browser: bound to its session cookie when there is one."""
        from fundtrail.web.access import COOKIE

        session = request.cookies.get(COOKIE, "")
        return hmac.new(self.key, session.encode(), hashlib.sha256).hexdigest()

    def __call__(self, environ, start_response):
        def with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers = headers + [(k, v) for k, v in SECURITY_HEADERS if k.lower() not in present]
            return start_response(status, headers, exc_info)

        return self._guard(environ, with_headers)

    def _guard(self, environ, start_response):
        request = Request(environ)
        if not self.login and _hostname(request.host) not in LOOPBACK_HOSTS:
            return _refuse("未启用登录（--users）时只接受本机地址访问",
                           environ, start_response, 421)
        environ["fundtrail.csrf"] = self.token(request)
        if request.method in READ_METHODS:
            return self.app(environ, start_response)
        if environ.get("HTTP_TRANSFER_ENCODING"):  # a chunked body: its length unknown to the checks
            return _refuse("写入请求须带 Content-Length（不接受分块传输）", environ, start_response, 411)
        origin = request.headers.get("Origin")
        if origin is not None and _netloc(origin) != request.host.lower():  # scheme: a TLS proxy
            return _refuse(f"拒绝跨站请求（来源 {origin}）",
                           environ, start_response)
        if request.method == "POST" and request.mimetype in FORM_TYPES and \
                not request.headers.get(CSRF_HEADER) and (request.content_length or 0) > FORM_LIMIT:
            return _refuse(f"请求超过 {FORM_LIMIT // 1024} KB，请拆分后上传",
                           environ, start_response, 413)
        if request.method == "POST" and request.mimetype in FORM_TYPES and \
                not hmac.compare_digest(self._sent_token(environ, request), environ["fundtrail.csrf"]):
            return _refuse("缺少或错误的 CSRF 令牌，请刷新页面后重试", environ, start_response)
        refused = writes.refusal(environ)  # control characters: refused before anything is written
        if refused:
            return _refuse(refused, environ, start_response, 400)
        try:
            with lock.writing(self.root, "网页保存", wait=WRITE_WAIT):
                return self._write(environ, start_response, request)
        except lock.LockBusy as busy:
            return _refuse(str(busy), environ, start_response, 503)

    def _sent_token(self, environ, request: Request) -> str:
        if request.headers.get(CSRF_HEADER):
            return request.headers[CSRF_HEADER]
        length = request.content_length or 0
        if length > FORM_LIMIT:
            return ""
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # Fava reads the form again
        form = Request({**environ, "wsgi.input": io.BytesIO(body)}).form
        return form.get(CSRF_FIELD, "")

    def _write(self, environ, start_response, request: Request):
        """Run the write, hold its whole answer, then commit what it changed in the books."""
        status = []

        def remember(code, headers, exc_info=None):
            status.append(int(code.split()[0]))
            return start_response(code, headers, exc_info)

        result = self.app(environ, remember)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if status and status[0] < 400 and request.path != "/login":
            user = environ.get("fundtrail.user")
            history.commit(self.root, f"网页保存 web save: {request.method} {request.path}"
                                      + (f" ({user})" if user else ""), author=user)
        return [body]


def _netloc(origin: str) -> str:
    try:
        return urlsplit(origin).netloc.lower()
    except ValueError:
        return ""


def _hostname(host: str) -> str:
    try:
        return urlsplit("//" + host).hostname or ""
    except ValueError:
        return ""


def _refuse(message: str, environ, start_response, status: int = 403):
    return Response(message, status, content_type="text/plain; charset=utf-8")(environ, start_response)


def _mask_for_role(response):
    """Personal numbers masked for a role that is not internal (the villages page's rule,
    applied to Fava's own views and downloads)."""
    from fundtrail.web.masked import MaskedLedger, is_internal

    view = getattr(g, "ledger", None)
    ledger = getattr(view, "source", view)  # the masked view's books, for their masker
    if ledger is None or request.path.startswith("/static/"):
        return response
    if is_internal(ledger):
        return response
    # the masked view's masker, built with it once per load; the books' own otherwise (a
    # request refused before it reached the view)
    masker = view.masker if isinstance(view, MaskedLedger) else masker_for(ledger.all_entries,
                                                                            PUBLIC)
    download = "/download-query/" in request.path or "/download-journal/" in request.path
    if download and request.path.endswith((".xlsx", ".ods")):
        return Response("非内部角色只能下载 CSV（已脱敏）", 403)
    if request.path.endswith(_FILE_VIEWS) and response.status_code == 200:
        return _masked_file(response, masker)
    if not download and not response.mimetype.startswith(_MASKED_TYPES):
        return response  # images, spreadsheets and PDFs of the extension mask themselves
    response.direct_passthrough = False
    response.set_data(mask_text(response.get_data(as_text=True), masker))
    return response


_FILE_VIEWS = ("/document/", "/statement/")  # Fava sends a document file as it is on disk
# document types a browser would run: an HTML page in the documents folder could load a script
# document of the same origin (the Content-Security-Policy allows 'self') with the reader's session
_ACTIVE = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript",
           "application/javascript", "application/ecmascript", "text/xml", "application/xml")


def _inert_document(response):
    """A document file that a browser would run or render as a page (HTML, SVG, XML, a script)
    is sent as plain text, for every role: shown as text, never run (nosniff)."""
    if not request.path.endswith(_FILE_VIEWS) or response.mimetype not in _ACTIVE:
        return response
    charset = response.mimetype_params.get("charset")
    response.headers["Content-Type"] = "text/plain" + (f"; charset={charset}" if charset else "")
    return response
_TEXT_FILES = ("text/", "application/xml", "application/json", "application/csv")


def _masked_file(response, masker: Masker):
    """A document file for a role that is not internal: a text file (a bank statement's CSV, a
    treasury XML) masked, whatever its encoding (UTF-8, GBK); a file that cannot be masked as
    text (a spreadsheet such as a 一卡通 roll, a PDF, a scan) refused."""
    if not response.mimetype.startswith(_TEXT_FILES):
        return Response("非内部角色不能查看无法脱敏的凭证文件（电子表格、PDF、图片），请向会计索取脱敏件", 403, content_type="text/plain; charset=utf-8")
    response.direct_passthrough = False
    raw = response.get_data()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # the banks' GBK, read as its superset
    response.set_data(mask_text(text, masker))
    response.content_type = f"{response.mimetype}; charset=utf-8"
    return response


def mask_text(text: str, masker: Masker) -> str:
    """Every personal number masked; entry hashes, change stamps, evidence links and account
    names kept."""
    out, last = [], 0
    for kept in _KEEP.finditer(text):
        out += [masker.text(text[last:kept.start()]), kept.group()]
        last = kept.end()
    out.append(masker.text(text[last:]))
    return "".join(out)

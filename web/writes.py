"""Control characters refused at the door of every web write.

A NUL, a terminal escape or a bidi override in a saved source file, an added entry, a file name
or a disposition would reach the books, the commit message, `git log`, terminals and reports (a
NUL even made git refuse the commit after the books were changed). `refusal(environ)` looks at
everything a write request carries as text (its query arguments, a JSON body's strings and keys,
a form's fields and uploaded file names; never an uploaded file's content) before the write
runs and the lock is taken, and names what it refuses in Chinese (then English). Tabs and line
breaks pass: a source file holds them.
"""

from __future__ import annotations

import contextlib
import io
import json

from werkzeug.wrappers import Request

from fundtrail.ledgertext import WHITESPACE, ControlCharacters, refuse_controls

# what the user saved, by the last part of the path
WHAT = {"source": "源文件", "source_slice": "分录源文本", "format_source": "源文件",
        "add_entries": "新增分录", "attach_document": "凭证文件名", "add_document": "凭证文件名",
        "upload_import_file": "导入文件名", "move": "文件名", "disposition": "处置内容",
        "gate": "付款批次", "login": "登录信息"}


def refusal(environ) -> str | None:
    """Why this write is refused (its text holds control characters), None when it is not.
    The body is read and put back for the app."""
    request = Request(environ)
    what = WHAT.get(request.path.rstrip("/").rsplit("/", 1)[-1], "提交的内容")
    texts = [text for pair in request.args.items(multi=True) for text in pair]
    length = request.content_length or 0
    if length:
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        probe = Request({**environ, "wsgi.input": io.BytesIO(body)})
        if probe.is_json:
            with contextlib.suppress(ValueError):  # not JSON after all: Fava answers it
                texts += list(_strings(json.loads(body)))
        elif probe.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            texts += [text for pair in probe.form.items(multi=True) for text in pair]
            texts += [upload.filename or "" for upload in probe.files.values()]
    try:
        for text in texts:
            refuse_controls(text, what, WHITESPACE)
    except ControlCharacters as refused:
        return str(refused)
    return None


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)

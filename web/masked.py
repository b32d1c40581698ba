"""Fava served from masked entries, for a role that is not internal and for `?public=1`.

Masking the text of each answer after Fava has computed it cannot stop a query from computing a
number the masker does not recognise (`subst`, `substr`, string concatenation) or a filter from
matching the clear number. So such a request is served from a second FavaLedger, the *masked
view*: the same books with every personal number already masked in the entries
(`fundtrail.masking.masked_entries` with the masker of `masker_for(entries, PUBLIC)`): metadata,
payees, narrations, notes, events, document names, tags, links, custom values and the errors'
messages. Account names are never rewritten. Every query, filter, report, page and API answer of
that request (`flask.g.ledger`) reads only the masked entries.

The view is built once per load of the books (when the first such request comes, then kept until
Fava reloads the books), shares the real ledger's file watcher, extensions (the fundtrail pages
mask by themselves) and import module, and is read-only: the source editor and its APIs are not
served in it, and no write of Fava's own goes through it (the extension's endpoints, which use
the real books, remain).
"""

from __future__ import annotations

import copy
import re
import threading
from functools import lru_cache
from pathlib import Path

from fava.beans.prices import FavaPriceMap
from fava.core import FavaLedger
from fava.core.accounts import AccountDict
from fava.core.attributes import AttributesModule
from fava.core.budgets import BudgetModule
from fava.core.charts import ChartModule
from fava.core.commodities import CommoditiesModule
from fava.core.file import FileModule
from fava.core.group_entries import group_entries_by_type
from fava.core.misc import FavaMisc
from fava.core.number import DecimalFormatModule
from fava.core.query_shell import QueryShell
from fava.helpers import FavaAPIError

from fundtrail.masking import PUBLIC, Masker, masked_entries, masker_for

READ_ONLY = "脱敏视图只读，不能修改账簿"
NO_SOURCE = "脱敏视图不显示账簿源文件（其中有未脱敏的个人信息）；分录的内容可在日记账中查看"
# Fava's import page and its APIs: the inbox's file names, and each file extracted as it is
IMPORT = re.compile(r"^/[^/]+/(import|api/(imports|extract|move|upload_import_file))/?$")
IMPORT_REFUSED = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>无权使用导入页 · 资金账簿</title></head>
<body><h1>无权使用导入页</h1>
<p>导入页列出待导入文件并读出其中未脱敏的内容，只对可查看未脱敏信息的内部角色开放。请由会计用
<code>fundtrail import</code> 导入。</p>
<p><a href="/">返回首页</a></p></body></html>
"""


class MaskedViewError(FavaAPIError):
    """A write or a source read attempted in the masked view."""

    def __init__(self) -> None:
        super().__init__(READ_ONLY)


class MaskedFile(FileModule):
    """The file module of the masked view: no source, no writes; the journal download prints
    the masked entries (Fava would copy the clear source text of each entry)."""

    def get_source(self, path):  # noqa: ARG002
        raise MaskedViewError

    def set_source(self, *args, **kwargs):
        raise MaskedViewError

    def insert_metadata(self, *args, **kwargs):
        raise MaskedViewError

    def save_entry_slice(self, *args, **kwargs):
        raise MaskedViewError

    def delete_entry_slice(self, *args, **kwargs):
        raise MaskedViewError

    def insert_entries(self, *args, **kwargs):
        raise MaskedViewError

    def render_entries(self, entries):
        """The masked entries as beancount text, for the journal download (a .beancount file:
        its template is not autoescaped and prints the text as it is, so no HTML escaping,
        which would turn every quote into &#34;). As Fava's, without the transactions beancount
        made itself (padding, summaries: its flags P, S, T, ...)."""
        from beancount.core.data import Balance, Transaction
        from fava.beans.str import to_string
        from fava.core.file import _EXCL_FLAGS as MADE_BY_BEANCOUNT

        options = self.ledger.fava_options
        for entry in entries:
            if isinstance(entry, Transaction) and entry.flag in MADE_BY_BEANCOUNT:
                continue
            if isinstance(entry, (Balance, Transaction)):
                yield to_string(entry, options.currency_column, options.indent)


class MaskedLedger(FavaLedger):
    """The masked view of `source` (a loaded FavaLedger); see the module doc."""

    __slots__ = ("built_from", "masker", "source")

    def __init__(self, source: FavaLedger, masker: Masker) -> None:  # noqa: PLW0231 (no reload)
        self.source, self.masker, self.built_from = source, masker, source.all_entries
        self.beancount_file_path = source.beancount_file_path
        self._is_encrypted = False
        self.get_filtered = lru_cache(maxsize=16)(self._get_filtered)
        self.get_entry = lru_cache(maxsize=16)(self._get_entry)
        self.watcher, self.extensions, self.ingest = source.watcher, source.extensions, source.ingest
        self.accounts = AccountDict(self)
        self.attributes = AttributesModule(self)
        self.budgets = BudgetModule(self)
        self.charts = ChartModule(self)
        self.commodities = CommoditiesModule(self)
        self.file = MaskedFile(self)
        self.format_decimal = DecimalFormatModule(self)
        self.misc = FavaMisc(self)
        self.query_shell = QueryShell(self)

        self.all_entries, by_id = masked_entries(source.all_entries, masker)
        self.load_errors = [masked_error(e, masker, by_id) for e in source.load_errors]
        self.options = source.options
        self.all_entries_by_type = group_entries_by_type(self.all_entries)
        self.prices = FavaPriceMap(self.all_entries_by_type.Price)
        self.fava_options = copy.copy(source.fava_options)
        self.fava_options_errors = source.fava_options_errors
        for module in (self.accounts, self.attributes, self.budgets, self.charts,
                       self.commodities, self.file, self.format_decimal, self.misc,
                       self.query_shell):
            module.load_file()

    def load_file(self) -> None:
        raise MaskedViewError  # the real ledger reloads; a new view is built from it

    def changed(self) -> bool:
        return self.source.changed()

    @property
    def errors(self):
        shared = [*self.fava_options_errors, *self.extensions.errors, *self.ingest.errors]
        return [*self.load_errors, *(masked_error(e, self.masker, {}) for e in shared),
                *self.budgets.errors, *self.misc.errors]


def masked_error(error, masker: Masker, by_id: dict):
    """A beancount or Fava error with its message masked and its entry the masked one."""
    message = masker.text(getattr(error, "message", ""))
    entry = getattr(error, "entry", None)
    shown = by_id.get(id(entry)) if entry is not None else None
    if hasattr(error, "_replace"):
        return error._replace(message=message, entry=shown)
    try:
        clone = copy.copy(error)
        object.__setattr__(clone, "message", message)
        if hasattr(clone, "entry"):
            object.__setattr__(clone, "entry", shown)
        return clone
    except (AttributeError, TypeError):
        return error


class MaskedViews:
    """The masked view of each loaded ledger, built when first asked for and rebuilt after
    the ledger reloads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._views: dict[int, MaskedLedger] = {}

    def of(self, ledger: FavaLedger) -> MaskedLedger:
        view = self._views.get(id(ledger))
        if view is not None and view.source is ledger and view.built_from is ledger.all_entries:
            return view
        with self._lock:
            view = self._views.get(id(ledger))
            if view is None or view.source is not ledger or view.built_from is not ledger.all_entries:
                view = self._views[id(ledger)] = MaskedLedger(
                    ledger, masker_for(ledger.all_entries, PUBLIC))
            return view


def is_internal(ledger) -> bool:
    """Whether this request sees the books as they are (the extension's `internal_roles`,
    fundtrail.fava_ext.roles); `?public=1` never does."""
    from fundtrail.fava_ext import Fundtrail, roles

    extension = ledger.extensions.get_extension(Fundtrail.__name__)
    return roles.is_internal(extension.internal_roles if extension else roles.INTERNAL_ROLES)


def _inbox_file(ledger, request) -> bool:
    """Fava's `/document/` asked for a file of an import folder (not a document of the books)."""
    if not request.path.endswith("/document/"):
        return False
    filename = request.args.get("filename", "")
    if not filename or any(filename == d.filename for d in ledger.all_entries_by_type.Document):
        return False
    try:
        path = Path(filename).resolve()
        return any(path.is_relative_to(Path(ledger.join_path(d)).resolve())
                   for d in ledger.fava_options.import_dirs)
    except (OSError, ValueError):
        return True


def install(flask_app) -> MaskedViews:
    """Serve every request of a role that is not internal from the masked view: after Fava
    has picked (and, if its files changed, reloaded) the request's ledger, `g.ledger` becomes
    its masked view; the source and Fava's own writes are refused in it, and so are Fava's import
    page, its APIs and the inbox's files (a Chinese 403 page)."""
    from flask import g, request
    from werkzeug.wrappers import Response

    from fundtrail.web.access import READ_METHODS, SOURCE, refusal

    views = MaskedViews()

    def serve_masked():
        ledger = getattr(g, "ledger", None)
        if ledger is None or isinstance(ledger, MaskedLedger) or is_internal(ledger):
            return None
        if IMPORT.match(request.path) or _inbox_file(ledger, request):
            if "/api/" in request.path:
                return refusal(request, "无权使用导入页：导入页只对可查看未脱敏信息的内部角色开放")
            return Response(IMPORT_REFUSED, 403, content_type="text/html; charset=utf-8")
        if SOURCE.match(request.path) or (request.method not in READ_METHODS
                                          and "/extension/" not in request.path):
            reading = request.method in READ_METHODS and SOURCE.match(request.path)
            return refusal(request, NO_SOURCE if reading else READ_ONLY)
        g.ledger = views.of(ledger)
        return None

    flask_app.before_request(serve_masked)
    return views

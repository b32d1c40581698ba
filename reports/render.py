"""HTML templates (Jinja2) to PDF (weasyprint), with the formatting and masking filters.

Every template extends `base.html` (A4 portrait, or A3 for the noticeboard poster, page numbers,
issuer and date in the margins). Masking is not left to the templates: every string a template
prints passes through the ledger's masking policy (Jinja's `finalize`), except evidence links
(`link()`: voucher numbers and bank serials of known shapes) and charts the chart code masked.
The `name`, `id_no` and `card` helpers mask a field known to be of that kind. Before masking,
every printed string is made plain (fundtrail.reports.evidence.Plain): account names become the
accounts' Chinese names and file names the kind of document, so no ledger slug reaches a
reader; `refs(links)` labels evidence links (凭证号, 流水号, …) and `bank(account)` names an
account's bank and number tail.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import re
import shutil
import subprocess
import threading
from decimal import Decimal
from pathlib import Path

import jinja2
import markupsafe

from fundtrail import gcpause
from fundtrail.masking import NATIONAL_HOTLINE, PUBLIC, Masker, masker_for
from fundtrail.reports import evidence

TEMPLATES = Path(__file__).parent / "templates"
FONT_FAMILY = '"Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif'


def yuan(value, places: int = 2) -> str:
    """Yuan as text with thousands separators and `places` decimals ("" for none)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.{places}f}"


def wan(value) -> str:
    """Yuan as 万元 with two decimals, for charts and summaries."""
    return f"{Decimal(value) / 10000:,.2f}"


def pct(value) -> str:
    return "" if value is None else f"{Decimal(value) * 100:.1f}%"


def date_cn(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


_MASKER: contextvars.ContextVar[Masker] = contextvars.ContextVar("masker")
_PLAIN: contextvars.ContextVar[evidence.Plain] = contextvars.ContextVar("plain")


class Evidence(str):
    """A string already judged safe to print as it is (a link of a known shape)."""


def _finalize(value):
    if isinstance(value, str) and not isinstance(value, (Evidence, markupsafe.Markup)):
        return _MASKER.get().text(_PLAIN.get().text(value))
    return value


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html"]), finalize=_finalize,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update(yuan=yuan, wan=wan, pct=pct, date_cn=date_cn)
    return env


ENV = _environment()


def html(template: str, books, **context) -> str:
    masker = masker_for(books, PUBLIC)
    token = _MASKER.set(masker)
    master = books.master
    plain = _PLAIN.set(evidence.Plain(master))
    county = master.county
    context.setdefault("issued", datetime.date.today())
    context.setdefault("page_size", "A4")
    context.setdefault("issuer", county.bureau if county else "")
    try:
        return ENV.get_template(template).render(
            county=county.name if county else "", bureau=county.bureau if county else "",
            phone=county.phone if county else "", hotline=NATIONAL_HOTLINE,
            font_family=markupsafe.Markup(FONT_FAMILY), name=masker.name, id_no=masker.id_no,
            card=masker.account, link=lambda value: Evidence(masker.link(value)),
            refs=lambda links: [(label, Evidence(masker.link(link)))
                                for label, link in evidence.references(master, links)],
            bank=lambda account: evidence.bank_label(master, account),
            place=master.place_name, **context)
    finally:
        _MASKER.reset(token)
        _PLAIN.reset(plain)


class MissingFont(RuntimeError):
    pass


@functools.cache
def ensure_cjk_font() -> None:
    """Refuse to print tofu: a Chinese notice needs a CJK font (checked once, with fontconfig)."""
    if not shutil.which("fc-list"):
        return
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not found.strip():
        raise MissingFont("未找到中文字体，请安装 fonts-noto-cjk (make setup) "
                          "no CJK font found: install fonts-noto-cjk (make setup)")


def pdf(template: str, books, **context) -> bytes:
    return pdf_of(html(template, books, **context))


_FONTS = threading.local()


def _font_config():
    """This thread's weasyprint font configuration, made once: fontconfig's font list and
    pango's font map, with the fonts, metrics and shaping they cache, serve every report the
    thread renders (about a tenth of a notice's cost when made anew for each)."""
    config = getattr(_FONTS, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONTS.config = FontConfiguration()
    return config


def pdf_of(document: str) -> bytes:
    """The PDF of a report's HTML (`html`): weasyprint, the cost of a report, needs nothing
    else, so that many reports render in worker processes (fundtrail.reports.batch)."""
    ensure_cjk_font()
    with gcpause.set_aside():
        return _html_class()(string=document, base_url=str(TEMPLATES)).write_pdf(
            font_config=_font_config())


# weasyprint's user-agent stylesheet gives every element of a document six pseudo-elements
# (`::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`, `::note-marker`,
# `::note-callback`: their rules have no element in their selectors), each with a style of
# its own that, unlike the element's, is never shared with a like element: about 9 KB an
# element. The county disclosure of the 100k ledger has 112,000 elements (a table row per
# project and per asset, a table per project): 1.2 GB of styles at the peak. The reports have
# no footnotes or notes (`float: footnote`) and no lists: these rules are left out and
# `::marker` is kept for `li` only, which changes no report (the same PDF bytes).
_UNUSED_PSEUDO = re.compile(r"^::(?:footnote-call|footnote-marker|note-call|note-marker|note-callback)"
                            r" *\{[^}]*\}[ \t]*\n", re.M)


@functools.cache
def _html_class():
    """weasyprint's HTML, with the user-agent stylesheet above (weasyprint's own where its
    stylesheet or the method that gives it is not the one this was written for)."""
    import weasyprint
    from weasyprint import html as ua

    text = getattr(ua, "UA", None)
    if not (isinstance(text, str) and hasattr(weasyprint.HTML, "_ua_stylesheets")
            and "\n::marker {" in text):
        return weasyprint.HTML
    sheet = weasyprint.CSS(string=_UNUSED_PSEUDO.sub("", text.replace("\n::marker {", "\nli::marker {")),
                           counter_style=ua.UA_COUNTER_STYLE)

    class HTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet, ua.UA_FORM_STYLESHEET] if forms else [sheet]

    return HTML

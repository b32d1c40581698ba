"""Text from the books is shown as text in Fava's journal, never as markup.

Fava renders its journal (the journal page, an account's journal, `/api/journal_page`,
`/api/account_report`) on the server from `_journal_table.html`, inside
`{% autoescape false %}`, and the browser inserts that HTML as it is. So a payee or memo from an
imported statement (written by whoever pays in), a narration, a note, a custom value or a
metadata value holding `<img src=/logout>` or a full-page `<div style=...>` became live markup
in the accountant's browser: a request made with their session, a fake "session expired" page
linking elsewhere. The Content-Security-Policy stops scripts, not markup.

`install(flask_app)` serves that template with autoescaping on: every value is escaped where it
is printed, while the template's own markup (account links, amounts, metadata lists) is kept. A
Fava whose template no longer carries the switch is served as it is, and the browser test
(tests/test_browser.py) says so.
"""

from __future__ import annotations

from jinja2 import BaseLoader

JOURNAL = "_journal_table.html"
LIVE, INERT = "{% autoescape false %}", "{% autoescape true %}"


class InertJournal(BaseLoader):
    """A template loader that wraps Flask's and turns the journal's autoescaping on."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        if template == JOURNAL:
            source = source.replace(LIVE, INERT)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


def install(flask_app) -> None:
    """Fava's journal template served with autoescaping (before any page is rendered)."""
    if not isinstance(flask_app.jinja_loader, InertJournal):
        flask_app.jinja_loader = InertJournal(flask_app.jinja_loader)
    if flask_app.jinja_env.cache is not None:
        flask_app.jinja_env.cache.clear()

"""Helpers for the tests of the Fava pages: the app on a ledger, and the tables of a page."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

from fundtrail.web.serve import create_app


class FavaClient:
    """Fava's Flask test client on one ledger, with the ledger's URL slug."""

    def __init__(self, ledger):
        self.app = create_app(str(ledger))
        self.client = self.app.test_client()
        self.slug = self.client.get("/").headers["Location"].split("/")[1]

    def url(self, path: str) -> str:
        return f"/{self.slug}/extension/{path}"

    def get(self, path: str, status: int = 200, **kwargs):
        response = self.client.get(self.url(path), **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)[-2000:]
        return response

    def page(self, path: str, **kwargs) -> str:
        return self.get(path, **kwargs).get_data(as_text=True)

    def start(self, path: str, **kwargs) -> str:
        """Click a report rendered in the background: the URL of the page that follows it."""
        response = self.client.get(self.url(path), **kwargs)
        assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
        return response.headers["Location"]

    def follow(self, job: str, timeout: float = 180, **kwargs) -> str:
        """Reload the job's page as the browser does until it is no longer waiting: its HTML."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.client.get(job, **kwargs)
            html = response.get_data(as_text=True)
            if response.status_code != 200 or 'http-equiv="refresh" content="0;' in html:
                return html
            assert "正在生成……" in html and time.monotonic() < deadline, html
            time.sleep(0.1)

    def download(self, path: str, **kwargs):
        """A report rendered in the background: clicked, followed until ready, then fetched."""
        html = self.follow(self.start(path, **kwargs), **kwargs)
        link = re.search(r'<a class="button" href="([^"]+)">下载</a>', html)
        assert link, html
        response = self.client.get(link.group(1).replace("&amp;", "&"), **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
        return response


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "ft" in (dict(attrs).get("class") or "").split():
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    """The text of every cell of every `table.ft`, row by row (header row first)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def yuan(value) -> str:
    return f"{value:,.2f}"

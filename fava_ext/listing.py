"""Long tables in pages of PAGE_SIZE rows (a county has thousands of projects and findings)."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    rows: list
    number: int  # 1-based
    pages: int
    total: int


def paginate(rows: list, wanted: str | int | None, size: int = PAGE_SIZE) -> Page:
    pages = max(1, -(-len(rows) // size))
    try:
        number = min(max(1, int(wanted or 1)), pages)
    except ValueError:
        number = 1
    return Page(rows[(number - 1) * size: number * size], number, pages, len(rows))


def matches(query: str, *fields) -> bool:
    """Every word of `query` occurs in one of `fields` (case-insensitive)."""
    text = " ".join(str(f) for f in fields).lower()
    return all(word in text for word in query.lower().split())

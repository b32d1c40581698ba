"""Fava for a fundtrail workspace: the Chinese UI comes from the ledger's `fava-option` lines."""

from __future__ import annotations

from pathlib import Path

from fava.application import create_app as create_fava_app


def create_app(ledger: str, *, read_only: bool = False):
    """A Fava WSGI app with the ledger loaded (used by `fundtrail serve` and the tests).
    The path may be relative to the working directory (beancount's loader wants it absolute)."""
    return create_fava_app([str(Path(ledger).resolve())], load=True, read_only=read_only)

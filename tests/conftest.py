"""Shared fixtures: one demo workspace per test session (building it takes a few seconds)."""

import pytest

from fundtrail.ledgers.demo.build import build


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    summary = build(root)
    return root, summary


@pytest.fixture(scope="session")
def demo_books(demo):
    from fundtrail.books import Books

    return Books.load(str(demo[0] / "main.beancount"))

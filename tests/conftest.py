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


SAMPLES = __import__("pathlib").Path(__file__).parent / "samples"


@pytest.fixture
def workspace(tmp_path):
    """A fresh `fundtrail init` workspace; returns its main.beancount."""
    from fundtrail import workspace as ws

    return ws.create(tmp_path / "ws")


def copy_workspace(source, target) -> None:
    """A copy of a workspace without beancount's pickle cache: the cache lists the files it was
    read from by absolute path, so a copied cache would answer for the original's files and a
    change made to the copy would not be seen (the cache is written when a load takes over 1 s)."""
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.picklecache"))


def snapshot(root) -> dict:
    """Every file of a workspace with its bytes: to show that nothing was written."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}

"""Shared fixtures: one demo workspace per test session (building it takes a few seconds)."""

import pytest

from fundtrail.ledgers.demo.build import build


@pytest.fixture(scope="session", autouse=True)
def own_config_folder(tmp_path_factory):
    """The OS user's config folder of this test session (`$XDG_CONFIG_HOME`): the keys fundtrail
    keeps outside the workspace (the seal memory's, `serve`'s per workspace: fundtrail.keys) are
    written there, not into the home of whoever runs the tests. A test may set its own."""
    import os

    before = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    yield
    if before is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = before


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
    """A copy of a workspace without a beancount pickle cache another tool may have left there
    (fundtrail neither reads nor writes it: fundtrail.loading)."""
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.picklecache"))


def snapshot(root) -> dict:
    """Every file of a workspace with its bytes: to show that nothing was written. The cache
    of the loaded books and its findings at cut-off dates (fundtrail.bookcache) are not the
    workspace's: any load may rewrite them, and they are trusted only for the very files they
    were made from."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".fundtrail-books.cache")}


@pytest.fixture
def eager_pickle_cache(monkeypatch):
    """beancount's pickle cache written on every load (it normally waits for a load over 1 s)."""
    from beancount import loader

    monkeypatch.setattr(loader, "PICKLE_CACHE_THRESHOLD", 0)
    loader.initialize(use_cache=True)
    yield
    monkeypatch.undo()
    loader.initialize(use_cache=True)

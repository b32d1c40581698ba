"""fundtrail.atomicwrite keeps a replaced file's permissions and gives a new file an ordinary
file's (umask), not the temporary file's 0600: a ledger shared by a group stayed unreadable to
the group after the first import or seal."""

import os
import stat

import pytest

from fundtrail.atomicwrite import atomic


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


@pytest.mark.parametrize("kept", [0o644, 0o640, 0o664, 0o600])
def test_a_replaced_file_keeps_its_permissions(tmp_path, kept):
    ledger = tmp_path / "imported.beancount"
    ledger.write_text("; old\n", "utf-8")
    os.chmod(ledger, kept)
    atomic(ledger, b"; new\n")
    assert ledger.read_bytes() == b"; new\n" and mode(ledger) == kept


def test_a_new_file_gets_what_the_umask_gives(tmp_path, umask_027):
    atomic(tmp_path / "books" / "new.beancount", b"x")
    assert mode(tmp_path / "books" / "new.beancount") == 0o640


def test_secrets_stay_private(tmp_path):
    key = tmp_path / "server.key"
    key.write_bytes(b"old")
    os.chmod(key, 0o644)
    atomic(key, b"secret", mode=0o600)
    assert mode(key) == 0o600 and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_seal_keeps_the_ledgers_group_permissions(tmp_path):
    import small_ledger
    from click.testing import CliRunner

    from fundtrail.cli import main

    ledger = small_ledger.make(tmp_path / "ws")
    books = ledger.parent / "seals.beancount"
    os.chmod(books, 0o664)
    assert CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-06-30"]).exit_code == 0
    assert mode(books) == 0o664 and "seal" in books.read_text("utf-8")


def test_parts_are_written_as_they_come_and_a_failure_leaves_the_old_file(tmp_path):
    target = tmp_path / "books.cache"
    atomic(target, (part for part in (b"ab", memoryview(b"cd"), bytearray(b"ef"))))
    assert target.read_bytes() == b"abcdef"

    def failing():
        yield b"new"
        raise ValueError("a value the writer cannot make")

    with pytest.raises(ValueError):
        atomic(target, failing())
    assert target.read_bytes() == b"abcdef"
    assert [p.name for p in tmp_path.iterdir()] == ["books.cache"]  # no temporary file left

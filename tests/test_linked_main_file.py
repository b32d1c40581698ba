"""main.beancount that is a symbolic link to a file in another folder is not read: its text
showed in the errors (`Invalid token: 'hunter2'` from any file the user can read) in check,
verify and Fava's error page, and that other folder became the workspace. A workspace folder
reached through a link is read as usual."""

import json
import os

import pytest
import small_ledger
from click.testing import CliRunner

from fundtrail import loading
from fundtrail.cli import main
from fundtrail.web.serve import create_app

SECRET = "secret-token: hunter2-9f3c\n"


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def linked(tmp_path):
    secret = tmp_path / "elsewhere" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, "utf-8")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    os.symlink(secret, workspace / "main.beancount")
    return workspace / "main.beancount"


def test_a_main_file_linked_out_of_its_folder_is_refused_everywhere(linked):
    entries, errors, _options = loading.load(linked)
    assert entries == [] and [e.source["filename"] for e in errors] == [str(linked)]
    assert "符号链接" in errors[0].message and "hunter2" not in errors[0].message
    assert errors[0].message == ("拒绝读取账簿：main.beancount 是指向其所在目录以外的文件“notes.txt”的符号链接，"
                                 "未被读取")  # the file by its name, not the machine's path to it
    _entries, errors, _options = loading.load_to_verify(linked)
    assert "符号链接" in errors[0].message
    for command in ("check", "verify"):
        result = CliRunner().invoke(main, [command, str(linked)])
        assert result.exit_code != 0 and "符号链接" in result.output
        assert "hunter2" not in result.output and str(linked.parent.parent) not in result.output, result.output
    client = create_app(str(linked)).test_client()
    bfile = client.get("/").headers["Location"].strip("/").split("/")[0]
    shown = json.dumps(client.get(f"/{bfile}/api/errors").get_json(), ensure_ascii=False)
    assert "符号链接" in shown and "hunter2" not in shown


def test_a_workspace_reached_through_a_linked_folder_loads(tmp_path):
    ledger = small_ledger.make(tmp_path / "real")
    os.symlink(tmp_path / "real", tmp_path / "books")
    entries, errors, _options = loading.load(tmp_path / "books" / "main.beancount")
    assert entries and not [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert ledger.exists()

"""The ledger folder is data, never code: a plugin line, a planted pickle cache, an include
leading out of the workspace or a memo written to fool the seal memory neither runs code nor
hides a change to a sealed period, in check, verify, seal and serve."""

import json
import pickle
import sys
import uuid
from pathlib import Path

import pytest
import small_ledger
from click.testing import CliRunner

from fundtrail import loading, seals
from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.web.serve import create_app

SEALED = "2024-06-30"
IMPORTED = "transactions/imported.beancount"
TAMPER = ('"禾丰合作社"', '"禾丰农业社"')  # a payee: the balances still hold, only the seal sees it


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # seal memory key, allow-list


@pytest.fixture
def restored():
    """Whatever planted code may have done to fundtrail.seals in this process is undone."""
    verify = seals.verify
    yield
    seals.verify = verify


def sealed(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    run("seal", ledger, "--through", SEALED, code=0)
    return ledger


def run(command, ledger, *args, code=None):
    result = CliRunner().invoke(main, [command, str(ledger), *args])
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def tamper(ledger):
    path = ledger.parent / IMPORTED
    path.write_text(path.read_text("utf-8").replace(*TAMPER), "utf-8")


def add_to_main(ledger, text):
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text + "\n")


def line_of(ledger, text) -> int:
    return ledger.read_text("utf-8").splitlines().index(text) + 1


def served_errors(ledger) -> str:
    client = create_app(str(ledger)).test_client()
    slug = client.get("/").headers["Location"].strip("/").split("/")[0]
    response = client.get(f"/{slug}/api/errors")
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)  # as the auditor's page reads it


def assert_broken(ledger, *args):
    result = run("verify", ledger, *args, code=1)
    assert "BROKEN" in result.output and "完好 INTACT" not in result.output
    assert "已封账分录被修改：" in result.output
    return result


def test_a_plugin_in_the_workspace_runs_nowhere_and_verify_sees_the_tampering(tmp_path, restored):
    ledger = sealed(tmp_path)
    head = seals.read_seals(Books.load(str(ledger)).entries)[-1].hash
    marker = tmp_path / "marker"
    module = f"helper_{uuid.uuid4().hex[:8]}"
    (ledger.parent / f"{module}.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "import fundtrail.seals\n"
        "fundtrail.seals.verify = lambda entries, options_map, cached=False: ([], [])\n"
        "__plugins__ = ()\n", "utf-8")
    add_to_main(ledger, f'option "insert_pythonpath" "TRUE"\nplugin "{module}"')
    tamper(ledger)

    checked = run("check", ledger)
    assert checked.exit_code != 0
    plugin_line = line_of(ledger, f'plugin "{module}"')
    assert f"main.beancount:{plugin_line}" in checked.output
    assert f'拒绝运行插件 "{module}"' in checked.output and "拒绝选项 insert_pythonpath" in checked.output
    assert "已封账分录被修改：" in checked.output
    verified = assert_broken(ledger)
    assert "拒绝运行插件" in verified.output  # the refusal is itself a break
    assert_broken(ledger, "--expect", head)
    refused = run("seal", ledger, "--through", "2024-09-30")
    assert refused.exit_code != 0 and "不能封账" in refused.output
    errors = served_errors(ledger)
    assert "拒绝运行插件" in errors and "已封账分录被修改：" in errors
    assert not marker.exists() and module not in sys.modules


def test_any_module_named_by_a_plugin_line_is_refused_not_imported(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    add_to_main(ledger, 'plugin "this"')
    sys.modules.pop("this", None)
    entries, errors, options = loading.load(ledger)
    refused = [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [
        (str(ledger), line_of(ledger, 'plugin "this"'))]
    assert "this" not in sys.modules and "this" not in dict(options["plugin"])
    assert ("fundtrail.plugins.seal", None) in options["plugin"]  # fundtrail's own still run


def test_a_county_allows_a_module_only_from_its_settings_outside_the_workspace(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    add_to_main(ledger, 'plugin "beancount_county_demo"')
    settings = loading.settings_path()
    assert settings.is_relative_to(tmp_path / "config")
    (ledger.parent / "plugins.toml").write_text('plugins = ["beancount_county_demo"]', "utf-8")
    assert any(isinstance(e, loading.LoadRefused) for e in loading.load(ledger)[1])
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('plugins = ["beancount_county_demo"]', "utf-8")
    errors = loading.load(ledger)[1]
    assert not any(isinstance(e, loading.LoadRefused) for e in errors)
    assert any("beancount_county_demo" in e.message for e in errors)  # allowed, but not installed


def planted_pickle_cache(ledger, marker):
    """A cache that writes the marker when unpickled and answers with empty, clean books."""
    class Payload:
        def __reduce__(self):
            code = (f"(__import__('pathlib').Path({str(marker)!r}).write_text('ran'), "
                    "([], [], {'include': [], 'input_hash': __import__('hashlib').md5().hexdigest()}))[1]")
            return eval, (code,)

    (ledger.parent / ".main.beancount.picklecache").write_bytes(pickle.dumps(Payload()))


def test_a_planted_pickle_cache_is_never_read(tmp_path):
    ledger = sealed(tmp_path)
    tamper(ledger)
    marker = tmp_path / "marker"
    planted_pickle_cache(ledger, marker)
    checked = run("check", ledger)
    assert checked.exit_code != 0 and "已封账分录被修改：" in checked.output
    assert_broken(ledger)
    assert run("seal", ledger, "--through", "2024-09-30").exit_code != 0
    assert "已封账分录被修改：" in served_errors(ledger)
    assert not marker.exists()
    assert (ledger.parent / ".main.beancount.picklecache").is_file()  # left alone, not deleted


def test_a_load_never_writes_a_pickle_cache(tmp_path, eager_pickle_cache):
    ledger = sealed(tmp_path)
    Books.load(str(ledger))
    run("check", ledger)
    run("verify", ledger, code=0)
    served_errors(ledger)
    assert not list(ledger.parent.glob("*.picklecache"))


@pytest.mark.parametrize("how", ["absolute", "symlink", "dotdot"])
def test_an_include_outside_the_workspace_is_refused_and_not_shown(tmp_path, how):
    ledger = small_ledger.make(tmp_path / "ws")
    secret = tmp_path / "secret.beancount"
    secret.write_text("机密内容 SECRET-LINE-1234\n", "utf-8")
    name = {"absolute": str(secret), "symlink": "transactions/link.beancount",
            "dotdot": "../secret.beancount"}[how]
    if how == "symlink":
        (ledger.parent / name).symlink_to(secret)
    add_to_main(ledger, f'include "{name}"')
    _entries, errors, options = loading.load(ledger)
    refused = [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [
        (str(ledger), line_of(ledger, f'include "{name}"'))]
    assert "拒绝包含工作区以外的文件" in refused[0].message
    assert str(secret) not in options["include"]
    assert not any("SECRET-LINE" in str(e.message) for e in errors)
    shown = served_errors(ledger)
    assert "拒绝包含工作区以外的文件" in shown and "SECRET-LINE" not in shown


def test_an_include_of_a_folder_is_an_error_not_a_crash(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    add_to_main(ledger, 'include "transactions"')
    line = line_of(ledger, 'include "transactions"')
    checked = run("check", ledger)
    assert checked.exit_code != 0 and "内部错误" not in checked.output
    assert f"main.beancount:{line}: 包含的不是账簿文件" in checked.output


def test_etc_passwd_is_not_shown_to_an_auditor(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    add_to_main(ledger, 'include "/etc/passwd"')
    first = Path("/etc/passwd").read_text("utf-8").splitlines()[0]
    shown = served_errors(ledger)
    assert "拒绝包含工作区以外的文件" in shown and first.split(":")[0] + ":x:" not in shown
    checked = run("check", ledger)
    assert checked.exit_code != 0 and first not in checked.output


def test_a_fava_extension_from_the_workspace_is_not_imported(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    marker = tmp_path / "marker"
    module = f"ext_{uuid.uuid4().hex[:8]}"
    (ledger.parent / f"{module}.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n", "utf-8")
    add_to_main(ledger, f'2024-01-01 custom "fava-extension" "{module}"')
    errors = served_errors(ledger)
    assert f'拒绝加载 Fava 扩展 \\"{module}\\"' in errors
    assert not marker.exists() and module not in sys.modules


def test_favas_import_config_from_the_workspace_is_not_run(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    marker = tmp_path / "marker"
    (ledger.parent / "importers.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\nCONFIG = []\n", "utf-8")
    add_to_main(ledger, '2024-01-01 custom "fava-option" "import-config" "importers.py"')
    errors = served_errors(ledger)
    assert "拒绝 Fava 选项 import-config" in errors and not marker.exists()


@pytest.mark.parametrize("line", [
    '2024-01-01 document Assets:Bank:ICBC-2345 "{secret}"',
    '2024-01-01 custom "fava-option" "import-dirs" "{folder}"',
])
def test_fava_serves_no_file_from_outside_the_workspace(tmp_path, line):
    ledger = small_ledger.make(tmp_path / "ws")
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET-LINE-1234", "utf-8")
    add_to_main(ledger, line.format(secret=secret, folder=secret.parent))
    client = create_app(str(ledger)).test_client()
    slug = client.get("/").headers["Location"].strip("/").split("/")[0]
    response = client.get(f"/{slug}/document/", query_string={"filename": str(secret)})
    assert response.status_code == 404 and b"SECRET-LINE" not in response.data
    errors = json.dumps(client.get(f"/{slug}/api/errors").get_json(), ensure_ascii=False)
    assert "拒绝" in errors and "工作区" in errors


def test_a_plugin_name_that_is_not_a_module_name_is_refused(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    add_to_main(ledger, 'plugin "fundtrail.plugins..checks"')
    refused = [e for e in loading.load(ledger)[1] if isinstance(e, loading.LoadRefused)]
    assert len(refused) == 1 and "fundtrail.plugins..checks" in refused[0].message


MEMO = '''
2024-04-01 * "县财政" "调整项目列支
2024-04-02 见会议纪要"
  Expenses:Project:QH2024-001          10.00 CNY
  Expenses:Project:QH2024-002         -10.00 CNY
'''


def test_a_memo_with_a_line_break_and_a_date_hides_nothing_from_the_seal_memory(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    with (ledger.parent / IMPORTED).open("a", encoding="utf-8") as handle:
        handle.write(MEMO)
    run("seal", ledger, "--through", SEALED, code=0)  # primes the seal memory
    assert [e for e in Books.load(str(ledger)).errors if isinstance(e, seals.SealError)] == []
    path = ledger.parent / IMPORTED
    path.write_text(path.read_text("utf-8").replace("   10.00 CNY", "   90.00 CNY")
                    .replace("  -10.00 CNY", "  -90.00 CNY"), "utf-8")
    errors = [e for e in Books.load(str(ledger)).errors if isinstance(e, seals.SealError)]
    assert [e.change for e in errors] == ["changed"]
    checked = run("check", ledger)
    assert checked.exit_code != 0 and "已封账分录被修改：" in checked.output
    assert "已封账分录被修改：" in served_errors(ledger)
    assert_broken(ledger)


def test_verify_runs_no_plugin_the_ledger_names_and_checks_the_seals_itself(tmp_path, monkeypatch):
    import fundtrail.plugins.checks as checks_plugin
    import fundtrail.plugins.seal as seal_plugin

    ledger = sealed(tmp_path)
    ran = []
    monkeypatch.setattr(seal_plugin, "seal", lambda entries, options: ran.append("seal") or (entries, []))
    monkeypatch.setattr(checks_plugin, "checks",
                        lambda entries, options, config=None: ran.append("checks") or (entries, []))
    assert run("verify", ledger, code=0).output.count("项，完好\n") >= 2
    assert ran == []
    tamper(ledger)
    assert_broken(ledger)
    assert ran == []
    run("check", ledger)
    assert sorted(ran) == ["checks", "seal"]  # an ordinary load runs them


def test_a_refused_plugin_names_the_allow_list_under_the_home_folder_not_by_its_full_path(tmp_path, monkeypatch):
    from fundtrail import loading

    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ledger = tmp_path / "ws" / "main.beancount"
    ledger.parent.mkdir()
    ledger.write_text('plugin "county_helper"\n', "utf-8")
    message = loading._refused_plugin(ledger, "county_helper").message
    assert f"及县级设置 ~/.config/fundtrail/{loading.SETTINGS_FILE} 中列出的模块" in message, message
    assert str(tmp_path) not in message

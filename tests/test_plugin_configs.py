"""A plugin on the allow-list runs no code written in its configuration: beancount's
check_commodity, check_average_cost and commodity_attr `eval` the string after the plugin's name,
so the ledger folder could run any Python through them (in every command, verify and serve)."""

import json
import sys
import uuid

import pytest
import small_ledger
from click.testing import CliRunner

from fundtrail import loading
from fundtrail.cli import main
from fundtrail.web.serve import create_app

EVALUATING = ("beancount.plugins.check_commodity", "beancount.plugins.check_average_cost",
              "beancount.plugins.commodity_attr")


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def planted(tmp_path, plugin, marker, indent=""):
    ledger = small_ledger.make(tmp_path / "ws")
    code = f"{indent}__import__('pathlib').Path({str(marker)!r}).write_text('ran') or {{}}"
    line = f'plugin "{plugin}" "{code}"'
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("\n" + line + "\n")
    return ledger, ledger.read_text("utf-8").splitlines().index(line) + 1


@pytest.mark.parametrize("plugin", EVALUATING)
def test_code_in_an_allowed_plugins_configuration_never_runs(tmp_path, plugin):
    marker = tmp_path / "marker"
    ledger, line = planted(tmp_path, plugin, marker, indent="  ")
    for load in (loading.load, loading.load_to_verify):
        _entries, errors, options = load(ledger)
        refused = [e for e in errors if isinstance(e, loading.LoadRefused)]
        assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [(str(ledger), line)]
        assert "配置是 Python 代码" in refused[0].message
        assert plugin not in dict(options["plugin"])
    for command in ("check", "verify"):
        result = CliRunner().invoke(main, [command, str(ledger)])
        assert result.exit_code != 0 and "配置是 Python 代码" in result.output, result.output
    assert not marker.exists()


@pytest.mark.parametrize("config, code", [
    ("{'CNY': None}", False), ("  {'a': (1, 2.5, 'x')}", False), ("Equity:Trading", False),
    ("^Assets:.*", False), ("", False), (None, False),
    ("__import__('os')", True), ("\t[open('/etc/passwd').read()]", True), ("x", True),
    ("{'a': (lambda: 1)()}", True)])
def test_a_configuration_is_code_when_it_parses_and_is_not_a_literal(config, code):
    assert loading.config_is_code(config) is code


def test_a_literal_configuration_still_runs_the_plugin(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write('\nplugin "beancount.plugins.check_commodity" "{\'CNY\': None}"\n')
    _entries, errors, options = loading.load(ledger)
    assert "beancount.plugins.check_commodity" in dict(options["plugin"])
    assert not [e for e in errors if isinstance(e, loading.LoadRefused)]


def county_module_in_the_workspace(tmp_path, kind, line):
    """A module the county's settings list (`kind`) but that is not installed, named by `line` in
    main.beancount, and a file of that name in the ledger folder that writes a marker:
    (ledger, module, marker)."""
    module, marker = f"county_{uuid.uuid4().hex[:8]}", tmp_path / "marker"
    ledger = small_ledger.make(tmp_path / "ws")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("\n" + line.format(module) + "\n")
    (ledger.parent / f"{module}.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n__plugins__ = ()\n", "utf-8")
    settings = loading.settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f'{kind} = ["{module}"]', "utf-8")
    return ledger, module, marker


def test_a_county_plugin_that_is_not_installed_is_not_taken_from_the_workspace(tmp_path, monkeypatch):
    """Run from the workspace with the working directory on the import path (`python -m`):
    the county lists a module that is not installed, the ledger folder holds one of that name."""
    ledger, module, marker = county_module_in_the_workspace(tmp_path, "plugins", 'plugin "{}"')
    monkeypatch.chdir(ledger.parent)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    _entries, errors, options = loading.load(ledger)
    assert not marker.exists() and module not in sys.modules
    assert module not in dict(options["plugin"])
    assert any(f'插件 "{module}" 无法从已安装的模块导入' in e.message for e in errors)


def test_a_county_fava_extension_that_is_not_installed_is_not_taken_from_the_workspace(tmp_path):
    """Fava imports an extension with the ledger folder first on the import path (and leaves it
    there when the import fails)."""
    ledger, module, marker = county_module_in_the_workspace(
        tmp_path, "fava_extensions", '2024-01-01 custom "fava-extension" "{}"')
    before = list(sys.path)
    try:
        client = create_app(str(ledger)).test_client()
        slug = client.get("/").headers["Location"].strip("/").split("/")[0]
        errors = json.dumps(client.get(f"/{slug}/api/errors").get_json(), ensure_ascii=False)
    finally:
        added = [p for p in sys.path if p not in before]
        sys.path[:] = before
        sys.modules.pop(module, None)
    assert not marker.exists()
    assert str(ledger.parent) not in added
    assert "Fava 扩展" in errors and module in errors and "无法从已安装的模块导入" in errors


def test_a_mistyped_checks_configuration_still_runs_the_checks(tmp_path):
    """fundtrail's own plugins read their configuration with ast.literal_eval (never eval):
    a configuration that is not a literal is reported by the checks, which run on defaults."""
    ledger = small_ledger.make(tmp_path / "ws")
    text = ledger.read_text("utf-8").replace('plugin "fundtrail.plugins.checks"',
                                             'plugin "fundtrail.plugins.checks" "split_limit"')
    assert text != ledger.read_text("utf-8")
    ledger.write_text(text, "utf-8")
    _entries, errors, options = loading.load(ledger)
    assert "fundtrail.plugins.checks" in dict(options["plugin"])
    assert not [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert "检查设置应为字典（如 {'split_limit': 300000}），实际为 split_limit；本次全部按默认值检查" \
        in [e.message for e in errors]

"""The import rules of docs/architecture.md, checked on every module of the tree: each package
imports only the packages below it. Every import counts, at the top of a module or inside a
function, and so does a string that is exactly the name of one of the tree's modules (the Fava
extension names its report functions by module, to import them only when asked)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package (its folder, as pyproject's package-dir maps it) -> the packages it may import (besides
# itself); see docs/architecture.md
MAY_IMPORT = {
    "core": {"ledgers"},  # the workspace templates, package data of fundtrail.ledgers
    "ledgers": set(),
    "importers": {"core"},
    "plugins": {"core"},
    "province": {"core", "plugins"},  # a county's books (and its checks) to Parquet, the roll-up
    "reports": {"core", "plugins", "province"},
    "fava_ext": {"core", "importers", "plugins", "reports"},  # importers: the gate reads an upload
    "ledgers/demo": {"core", "ledgers", "importers"},
    "web": {"core", "plugins", "reports", "fava_ext"},  # Fava behind the guard and the login
    "cli": {"core", "ledgers", "importers", "plugins", "province", "reports", "fava_ext",
            "ledgers/demo", "web"},  # the command line over everything
}


def package_dirs(root: Path) -> dict[str, str]:
    """Installed package name -> its folder, from pyproject's package-dir."""
    setuptools = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    return setuptools["package-dir"]


def package_of(module: str, dirs: dict[str, str]) -> str:
    """The folder of the most specific mapped package that holds `module`."""
    name = max((name for name in dirs if module == name or module.startswith(name + ".")), key=len)
    return dirs[name]


def modules(root: Path) -> dict[str, Path]:
    """Every module of the tree by its installed name, from pyproject's package-dir."""
    mapping = package_dirs(root)
    folders = {(root / folder).resolve() for folder in mapping.values()}
    out = {}
    for name, folder in mapping.items():
        base = (root / folder).resolve()
        for path in base.rglob("*.py"):
            if any(f in path.parents and f != base and base in f.parents for f in folders):
                continue  # a folder mapped to a package of its own
            parts = [*name.split("."), *path.relative_to(base).with_suffix("").parts]
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(module: str, path: Path, known: dict[str, Path]):
    """(line, imported module) for every import of `module` and every string naming a module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield node.lineno, name if name in known else base
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            named = _named_module(node.value, known)
            if named:
                yield node.lineno, named


_MODULE_TEXT = re.compile(r"(fundtrail(?:\.\w+)*)(?::\w+(?:\.\w+)*)?")


def _named_module(text: str, known: dict[str, Path]) -> str | None:
    """The module a string names when it is an import path: `fundtrail.reports.audit`,
    `fundtrail.reports.audit.render` or `fundtrail.reports.audit:render` (what importlib,
    entry points and plugin lines take); None for any other text (a docstring mentioning a
    module is prose, not an import)."""
    match = _MODULE_TEXT.fullmatch(text.strip())
    if not match:
        return None
    parts = match.group(1).split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def broken_rules(root: Path) -> tuple[list[str], set[tuple[str, str]]]:
    """The imports that break a rule (as `file:line: a -> b (module)`) and every package edge."""
    known, dirs = modules(root), package_dirs(root)
    broken, edges = [], set()
    for module, path in sorted(known.items()):
        here = package_of(module, dirs)
        for line, target in imports(module, path, known):
            if not (target == "fundtrail" or target.startswith("fundtrail.")):
                continue
            there = package_of(target, dirs)
            if there == here:
                continue
            edges.add((here, there))
            if there not in MAY_IMPORT[here]:
                broken.append(f"{path.relative_to(root)}:{line}: {here} -> {there} ({target})")
    return broken, edges


def test_every_module_keeps_the_import_rules():
    broken, edges = broken_rules(ROOT)
    assert broken == []
    folders = set(package_dirs(ROOT).values())
    assert set(MAY_IMPORT) == folders  # every package has its rule, no rule names a stray folder
    assert sorted(modules(ROOT).values()) == sorted(
        {p for f in folders for p in (ROOT / f).rglob("*.py")})
    # what the rules rely on is read: a lazy import in a function, a module named in a string
    assert {("cli", "reports"), ("fava_ext", "reports"), ("ledgers/demo", "importers"),
            ("web", "fava_ext")} <= edges


def test_the_core_holds_no_web_layer_and_no_command_line():
    """The core is the domain, integrity and infrastructure: nothing of Flask, Fava or click."""
    outside = {"flask", "fava", "werkzeug", "click", "itsdangerous"}
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not {n.split(".")[0] for n in names} & outside, f"{path.relative_to(ROOT)}: {names}"


def test_a_lazy_import_or_a_module_named_in_a_string_breaks_a_rule(tmp_path):
    (tmp_path / "pyproject.toml").write_text(  # the rules of MAY_IMPORT, on a tree of four folders
        '[tool.setuptools]\npackage-dir = { "fundtrail" = "core", "fundtrail.importers" = "importers",'
        ' "fundtrail.reports" = "reports", "fundtrail.fava_ext" = "fava_ext" }\n', "utf-8")
    for folder in ("core", "importers", "reports", "fava_ext"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("", "utf-8")
    (tmp_path / "core" / "books.py").write_text(
        "def figures():\n    from fundtrail.reports import facts\n    return facts\n", "utf-8")
    (tmp_path / "reports" / "facts.py").write_text(
        "import importlib\nVIEW = importlib.import_module('fundtrail.fava_ext.views')\n", "utf-8")
    (tmp_path / "fava_ext" / "views.py").write_text("from ..importers import base\n", "utf-8")  # allowed
    (tmp_path / "reports" / "table.py").write_text("from ..importers import base\n", "utf-8")
    (tmp_path / "importers" / "base.py").write_text(
        '"""Read like fundtrail.reports.facts does."""\n'  # prose naming a module: no import
        "from fundtrail import books\n"
        "HOOK = 'fundtrail.reports.facts:VIEW'\n"  # an entry-point string: an import
        "PAGE = 'fundtrail.fava_ext.views.render'\n", "utf-8")  # a module's attribute by path
    broken, _ = broken_rules(tmp_path)
    assert broken == ["core/books.py:2: core -> reports (fundtrail.reports.facts)",
                      "importers/base.py:3: importers -> reports (fundtrail.reports.facts)",
                      "importers/base.py:4: importers -> fava_ext (fundtrail.fava_ext.views)",
                      "reports/facts.py:2: reports -> fava_ext (fundtrail.fava_ext.views)",
                      "reports/table.py:1: reports -> importers (fundtrail.importers.base)"]


def private_uses(root: Path) -> list[str]:
    """Where a module uses another module's private name (`from fundtrail.x import _helper`, or
    `x._helper` on a module of the tree it imported), as `file:line: name`: a helper another
    module needs is public."""
    known = modules(root)
    out = []
    for module, path in sorted(known.items()):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        imported = set()  # local names bound to a module of the tree
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                if not (base == "fundtrail" or base.startswith("fundtrail.")):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        out.append(f"{path.relative_to(root)}:{node.lineno}: {alias.name}")
                    elif f"{base}.{alias.name}" in known:
                        imported.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                imported |= {a.asname for a in node.names if a.asname and a.name in known}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in imported and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                out.append(f"{path.relative_to(root)}:{node.lineno}: {node.value.id}.{node.attr}")
    return out


def test_no_module_uses_another_modules_private_names(tmp_path):
    assert private_uses(ROOT) == []
    (tmp_path / "pyproject.toml").write_text(
        '[tool.setuptools]\npackage-dir = { "fundtrail" = "core", "fundtrail.importers" = "importers" }\n',
        "utf-8")
    for folder in ("core", "importers"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("", "utf-8")
    (tmp_path / "core" / "cells.py").write_text("def _fold(x):\n    return x\n", "utf-8")
    (tmp_path / "importers" / "base.py").write_text(
        "from fundtrail.cells import _fold\nfrom fundtrail import cells\n\n\n"
        "class Base:\n    def _own(self):\n        return cells._fold(self)\n", "utf-8")
    (tmp_path / "importers" / "rolls.py").write_text(  # a subclass using its base's own helper: fine
        "from .base import Base\n\n\nclass Roll(Base):\n    def read(self):\n        return Base._own(self)\n",
        "utf-8")
    assert private_uses(tmp_path) == ["importers/base.py:1: _fold", "importers/base.py:7: cells._fold"]


if __name__ == "__main__":  # the package edges the rules are checked on
    broken, edges = broken_rules(ROOT)
    for here, there in sorted(edges):
        print(f"{here:10} -> {there}")
    print("\n".join(broken) or "every import keeps the rules")

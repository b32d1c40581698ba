"""A non-editable install works from anywhere, the repository root included: a `python` started
there must import the installed `fundtrail`, not a source folder of that name.

The package is installed with pip (`--no-deps`, offline first: the test environment's own
setuptools; else pip's isolated build) into a fresh venv whose dependencies are the test
environment's site-packages, added by a `.pth` line (which, unlike the site-packages directory
itself, runs no `.pth` file of its own, so the editable install's finder stays out)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = "import fundtrail.plugins.checks, fundtrail.fava_ext, fundtrail; print(fundtrail.__file__)"
DATA = ("import importlib.resources as r; print(sorted(p.name for p in "
        "r.files('fundtrail.importers').joinpath('layouts').iterdir()))")


def _source_copy(dest: Path) -> Path:
    """The files a build needs (pyproject's package folders and README), so that the build's
    scratch folders (build/, *.egg-info) are not written into the repository."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    folders = {Path(p).parts[0] for p in config["tool"]["setuptools"]["package-dir"].values()}
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    for folder in folders:
        shutil.copytree(ROOT / folder, dest / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def _pip_install(source: Path, target: Path) -> None:
    base = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-input", "--quiet",
            "--disable-pip-version-check", "--target", str(target)]
    attempts = (base + ["--no-build-isolation", "--no-index", str(source)],  # offline
                base + ["--retries", "0", "--timeout", "15", str(source)])  # fetches setuptools
    failures = []
    for command in attempts:
        done = subprocess.run(command, capture_output=True, text=True, timeout=240)
        if done.returncode == 0:
            return
        failures.append(done.stderr.strip().splitlines()[-1:] or ["?"])
    pytest.skip(f"pip cannot build the package here (no setuptools/wheel offline): {failures}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """The python of a fresh venv holding a non-editable install of this repository, and the
    venv's site-packages."""
    pytest.importorskip("pip")
    scratch = tmp_path_factory.mktemp("install")
    (scratch / "src").mkdir()
    source = _source_copy(scratch / "src")
    env = scratch / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "test-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(deps)), "utf-8")
    _pip_install(source, site)
    return python, site


def _run(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_installed_package_imports_from_the_repository_root(installed):
    python, site = installed
    done = _run(python, CHECK, ROOT)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == site / "fundtrail" / "__init__.py"
    data = _run(python, DATA, ROOT)
    assert data.returncode == 0, data.stderr
    assert "icbc-corporate.toml" in data.stdout  # package data travels with the install


def test_the_build_says_nothing_about_the_projects_own_packaging(tmp_path):
    """No deprecated license table, no package-data folder that setuptools would ignore."""
    if importlib.util.find_spec("setuptools") is None:  # not imported here: it patches distutils
        pytest.skip("no setuptools to build with offline")
    source = _source_copy(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-v", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=240)
    if done.returncode != 0:
        pytest.skip(f"pip cannot build the package offline here: {done.stderr.strip()[-200:]}")
    log = done.stdout + done.stderr
    assert "SetuptoolsDeprecationWarning" not in log
    assert "would be ignored" not in log and "absent from the `packages` configuration" not in log


def test_a_source_folder_named_fundtrail_would_shadow_it(installed, tmp_path):
    """What the root looked like when the core lived in ./fundtrail: the check fails there."""
    (tmp_path / "fundtrail").mkdir()
    (tmp_path / "fundtrail" / "__init__.py").write_text('"""the core package"""\n', "utf-8")
    done = _run(installed[0], CHECK, tmp_path)
    assert done.returncode != 0 and "No module named 'fundtrail.plugins'" in done.stderr

"""The commands the documentation shows work as written.

Every `fundtrail ...` line of the code blocks of README.md and docs/cli.md runs, in the order the
page shows them, in a fresh folder where the page's own `fundtrail demo --dir demo` builds the demo
(as after `make demo` and `. .venv/bin/activate`: the venv's bin is first on PATH). A line with
optional parts (`[--json]`) runs twice: without them and with all of them. What a page writes as a
placeholder (a batch file, a folder, a hash) is replaced as the table SUBSTITUTIONS says, and
nothing else is changed. A command fails the test on an exit status other than 0 (or the documented
one, EXPECTED_EXIT) and on a traceback in its output. README.md's Python snippets and
docs/importers.md's beangulp recipe run too.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "samples"
PAGES = ("README.md", "docs/cli.md")
BIN = Path(sys.executable).parent  # the venv's bin, as `. .venv/bin/activate` puts it on PATH

# (text as the page writes it, what runs instead, why): applied in this order to each line.
SUBSTITUTIONS = [
    ("fundtrail init  DIR", "fundtrail init newcounty", "DIR: a new folder"),
    ("batch.xml", "batches/vouchers-2024Q3.xml", "a sample payment batch (treasury vouchers)"),
    ("demo/main.beancount inbox/", "demo/main.beancount statements/",
     "a folder of the demo's own bank statements (see BEFORE): imported again, they add nothing"),
    ("inbox/statement.txt", "new-bank/statement.csv", "a statement of a bank no layout reads"),
    ("3f1c9a0b…", "{head}", "the hash `seal` printed before (kept on paper)"),
    ("c1/ c2/ ... c40/", "demo/", "the counties: the demo's one"),
    ("--scheduler tcp://host:8786", "", "needs a Dask cluster; the local one runs instead"),
    ("--host 0.0.0.0", "--host 0.0.0.0 --port {port}", "a free port"),
    ("fundtrail serve demo/main.beancount", "fundtrail serve demo/main.beancount --port {port}",
     "a free port"),
]

def _statements(cwd: Path) -> None:
    """statements/: a copy of each bank statement the demo filed (it exists once the demo does)."""
    target = cwd / "statements"
    if not target.exists():
        target.mkdir()
        for account in sorted((cwd / "demo" / "documents" / "Assets" / "Bank").iterdir()):
            shutil.copy(sorted(account.iterdir())[0], target)


# words a command line starts with -> what is prepared in the folder before it runs
BEFORE = {"fundtrail import demo/main.beancount statements/": _statements}

# (words the command starts with, an option it holds) -> exit statuses the docs give it.
EXPECTED_EXIT = {
    ("fundtrail check", "--fail-on"): {0, 1},  # 1: an open finding at or above the level
    ("fundtrail gate", ""): {0, 1},  # 1: a line of the batch is held
}


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of each fenced block of a Markdown page."""
    return [(m.group(1).strip(), m.group(2))
            for m in re.finditer(r"^```([^\n]*)\n(.*?)^```", text, re.M | re.S)]


def command_lines(page: str) -> list[str]:
    """The `fundtrail ...` lines of the page's code blocks, without their comments."""
    found = []
    for language, body in code_blocks((ROOT / page).read_text("utf-8")):
        if language not in ("", "sh", "shell", "bash", "console"):
            continue
        for line in body.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line.startswith("fundtrail "):
                found.append(line)
    return found


def python_snippets(page: str) -> list[str]:
    return [body for language, body in code_blocks((ROOT / page).read_text("utf-8"))
            if language == "python"]


def variants(line: str) -> list[str]:
    """The line without its optional parts, and (when it has some) with all of them."""
    for written, runs, _ in SUBSTITUTIONS:
        line = line.replace(written, runs)
    bare = re.sub(r"\s*\[[^\]]*\]", "", line)
    full = re.sub(r"\[([^\]]*)\]", r"\1", line)
    return [" ".join(bare.split())] + ([" ".join(full.split())] if full != line else [])


def expected(line: str) -> set[int]:
    for (start, option), codes in EXPECTED_EXIT.items():
        if line.startswith(start) and option in line:
            return codes
    return {0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment() -> dict:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("FUNDTRAIL_PROVINCE_KEY", None)
    return env


def serve(argv: list[str], cwd: Path, port: int) -> tuple[int, str]:
    """Start `fundtrail serve`, wait until it answers over HTTP, stop it: (0, output) when it
    answered, else (its exit status or -1, output)."""
    process = subprocess.Popen(argv, cwd=cwd, env=environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                return 0, ""
            except urllib.error.HTTPError:
                return 0, ""  # it answered (a login page, a redirect)
            except OSError:
                time.sleep(0.5)
        return (process.returncode if process.poll() is not None else -1), ""
    finally:
        if process.poll() is None:
            process.terminate()
        output = process.communicate(timeout=30)[0]
        serve.output = output


def run(line: str, cwd: Path, state: dict) -> tuple[int, str]:
    for start, prepare in BEFORE.items():
        if line.startswith(start):
            prepare(cwd)
    port = free_port()
    argv = shlex.split(line.format_map({"port": port, "head": "?", **state}))
    if argv[1] == "serve":
        code, _ = serve(argv, cwd, port)
        return code, serve.output
    stdin = "Zz9!docs-commands\nZz9!docs-commands\n" if argv[1:3] == ["users", "add"] else None
    done = subprocess.run(argv, cwd=cwd, env=environment(), input=stdin, capture_output=True,
                          text=True, timeout=600)
    output = done.stdout + done.stderr
    if argv[1] == "seal":
        hashes = re.findall(r"\b[0-9a-f]{4}(?: [0-9a-f]{4}){7,}\b", output)
        if hashes:
            state["head"] = hashes[-1].replace(" ", "")
    return done.returncode, output


def fixtures(cwd: Path) -> None:
    """What the substitutions name: a sample batch in batches/ and an
    unknown bank's statement in new-bank/."""
    inbox, new = cwd / "batches", cwd / "new-bank"
    inbox.mkdir()
    new.mkdir()
    shutil.copy(SAMPLES / "treasury" / "vouchers-2024Q3.xml", inbox / "vouchers-2024Q3.xml")
    icbc = (SAMPLES / "bank" / "icbc-corporate-2024Q3.csv").read_bytes().decode("gbk")
    (new / "statement.csv").write_text(
        icbc.replace("交易日期", "记账日").replace("借方发生额", "支出金额")
            .replace("贷方发生额", "收入金额").replace("余额", "账户余额"), "utf-8")


def test_the_pages_show_commands_of_every_kind():
    lines = [line for page in PAGES for line in command_lines(page)]
    words = {line.split()[1] for line in lines}
    assert {"init", "demo", "check", "gate", "serve", "import", "layout", "report", "export",
            "seal", "verify", "history", "users", "province", "rollup"} <= words, words
    assert python_snippets("README.md")


def test_every_command_of_the_pages_runs_as_written(tmp_path):
    fixtures(tmp_path)
    state, failures, ran = {}, [], 0
    for page in PAGES:
        for written in command_lines(page):
            for line in variants(written):
                code, output = run(line, tmp_path, state)
                ran += 1
                if code not in expected(line) or "Traceback" in output:
                    failures.append(f"{page}: `{written}`\n  ran `{line}`: exit {code}\n"
                                    + "\n".join("    " + x for x in output.strip().splitlines()[-8:]))
        if page == "README.md":
            for snippet in python_snippets(page):
                done = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, env=environment(),
                                      capture_output=True, text=True, timeout=300)
                if done.returncode or "Traceback" in done.stderr:
                    failures.append(f"{page}: Python snippet: exit {done.returncode}\n{done.stderr[-1500:]}")
    assert ran >= 25
    assert "head" in state, "`fundtrail seal` printed no hash to keep"
    assert not failures, "\n\n".join(failures)


def test_the_beangulp_recipe_of_docs_importers_runs(tmp_path, demo):
    recipe = next(s for s in python_snippets("docs/importers.md") if "beangulp.Ingest" in s)
    workspace = tmp_path / "ws"
    shutil.copytree(demo[0], workspace, ignore=shutil.ignore_patterns("*.picklecache"))
    script = tmp_path / "import.py"
    script.write_text(recipe.replace("path/to/workspace", str(workspace)), "utf-8")
    statement = sorted((workspace / "documents" / "Assets" / "Bank").rglob("*.xlsx"))[0]
    done = subprocess.run([sys.executable, str(script), "extract", "-e",
                           str(workspace / "main.beancount"), str(statement)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert statement.name in done.stdout
    # the statement's rows, marked as already in the books (beangulp comments duplicates out)
    assert re.search(r"^; \d{4}-\d\d-\d\d \* ", done.stdout, re.M), done.stdout[:2000]
    assert "Assets:Bank:" in done.stdout

"""Shared loading and scoring of the blind field corpora. `judge_at` has a workspace judged at
the corpus's date (every corpus); the rest serve the loan registers with a risk-compensation fund
(tests/corpus/field2/loans-risk, tests/corpus/field3/loans-lag): a fresh workspace per county,
its fund fragment (accounts and bank movements in ledger syntax, appended as a county keeps them
by hand), the register through the import pipeline, judged at the corpus's date. `register_context`
is a household register (and lists) imported and its rules' Context at the corpus's date."""

from __future__ import annotations

import datetime
from pathlib import Path

from beancount import loader

from fundtrail import workspace
from fundtrail.findings import Finding
from fundtrail.importers.pipeline import run_import
from fundtrail.plugins.checks import typed_settings
from fundtrail.plugins.rules.context import Context


def fund_fragment(path: Path) -> tuple[str, str]:
    """(opens, movements) of a fund fragment, its `option` lines and comments left out."""
    opens, moves, block = [], [], []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("option") or line.startswith(";"):
            continue
        if line and not line[0].isspace():
            block = [line]
            (opens if " open " in line else moves).append(block)
        elif line.strip():
            block.append(line)
    return ("".join("\n".join(b) + "\n" for b in opens), "".join("\n".join(b) + "\n\n" for b in moves))


def judge_at(main: Path, as_of: str) -> None:
    """Have the workspace's checks plugin judge the books at `as_of` (the corpus's date)."""
    plugin = 'plugin "fundtrail.plugins.checks"'
    main.write_text(main.read_text("utf-8").replace(plugin, f"{plugin} \"{{'as_of': '{as_of}'}}\"", 1), "utf-8")


def register_context(root: Path, files, as_of: str, **import_options) -> Context:
    """The rules' Context at `as_of` of a fresh workspace with `files` imported; an error about
    the register fails the test."""
    main = workspace.create(root)
    run_import(main, list(files), **import_options)
    entries, errors, _ = loader.load_file(str(main))
    assert not [e for e in errors if "register" in str(e.message)], errors
    return Context(entries, typed_settings({"as_of": as_of}))


def fund_books(root: Path, fragment: Path, register: Path, as_of: str):
    """(entries, options) of a county's books: the fund fragment, the register imported, the
    checks judged at as_of; any error that is not a rule's finding fails the test."""
    main = workspace.create(root, workspace.County(start=datetime.date(2020, 1, 1)))
    opens, moves = fund_fragment(fragment)
    with (root / "accounts.beancount").open("a", encoding="utf-8") as handle:
        handle.write("\n" + opens)
    with (root / "transactions/manual.beancount").open("a", encoding="utf-8") as handle:
        handle.write("\n" + moves)
    run_import(main, [register], batch="CORPUS")
    judge_at(main, as_of)
    entries, errors, options = loader.load_file(str(main))
    assert not [e for e in errors if not isinstance(e, Finding)], [e.message for e in errors][:5]
    return entries, options


def report(variant: str, rule: str, concept: str, found: list[tuple[dict, bool]], stray: list[str]):
    """(line to print, what is wrong) for one rule: found is (case, flagged) per case."""
    hits = [c for c, _ in found if c["expect"] == "hit"]
    caught = [c for c, flagged in found if flagged and c["expect"] == "hit"]
    alarms = [c for c, flagged in found if flagged and c["expect"] == "silent"]
    line = (f"{variant:5} {rule:20} recall {len(caught)}/{len(hits)}  false alarms "
            f"{len(alarms)}/{len(found) - len(hits)} silent cases, {len(stray)} other findings")
    wrong = [(c["id"], "missed") for c in hits if c not in caught]
    wrong += [(c["id"], "false alarm") for c in alarms] + [("-", m) for m in stray]
    return line, wrong

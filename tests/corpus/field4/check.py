"""Run every field4 corpus file through the `fundtrail` CLI and compare with manifest.json.

    python tests/corpus/field4/check.py [FILE_NAME ...] [--fallback]

Each file is imported into its own copy of a fresh workspace (`fundtrail init`, arguments from
the manifest), exactly as docs/importers.md says a user does it (`fundtrail import LEDGER FILE`;
for `procedure: suggest+import` first `fundtrail layout suggest FILE --bank CODE --workspace WS`).
The books are then loaded with beancount and the entries whose `source` is the filed file are
compared with the manifest. `--fallback` also tries `layout suggest` + import on a statement that
the direct import refused (information for the report).

tests/test_field4_corpus.py calls `documented_route` per file (`--route` here does the same): a
statement the direct import refuses pointing at `layout suggest` is judged after the documented
route (import, refused, `layout suggest`, import), its outcome marked "via layout suggest".
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
MANIFEST = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
FUNDTRAIL = str(Path(sys.executable).parent / "fundtrail")


@dataclass
class Result:
    name: str
    expect: str
    outcome: str = ""
    problems: list[str] = field(default_factory=list)
    output: str = ""
    rc: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=cwd, stdin=subprocess.DEVNULL)


def make_template(dest: Path) -> Path:
    ws = dest / "template"
    p = run([FUNDTRAIL, "init", str(ws), *MANIFEST["workspace"]["init"]])
    if p.returncode != 0:
        raise RuntimeError(f"fundtrail init failed: {p.stdout}{p.stderr}")
    return ws


def snapshot(ws: Path) -> dict[str, str]:
    """Digest of every workspace file but git's own and the derived caches the workspace's
    .gitignore names (the books cache a load writes is not the ledger)."""
    ignore = [ln.strip() for ln in (ws / ".gitignore").read_text(encoding="utf-8").splitlines()
              if ln.strip() and not ln.startswith("#")] if (ws / ".gitignore").exists() else []
    out = {}
    for f in sorted(ws.rglob("*")):
        rel = f.relative_to(ws)
        if any(fnmatch.fnmatch(rel.parts[0], pat.strip("/")) or fnmatch.fnmatch(str(rel), pat.strip("/"))
               for pat in ignore):
            continue
        if f.is_file() and rel.parts[0] != ".git":
            out[str(rel)] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def load(ws: Path):
    from beancount import loader

    entries, errors, _ = loader.load_file(str(ws / "main.beancount"))
    return entries, errors


def of_file(entries, name: str):
    stem = Path(name).stem
    mine = []
    for e in entries:
        src = (getattr(e, "meta", None) or {}).get("source")
        if src and stem in Path(str(src)).name:
            mine.append(e)
    return mine


def skipped_rows(output: str) -> set[int]:
    rows = set()
    for line in output.splitlines():
        if "跳过" in line:
            rows.update(int(n) for n in re.findall(r"第\s*(\d+)\s*行", line))
    return rows


def import_file(name: str, spec: dict, template: Path, work: Path, procedure: str | None = None):
    """Copy the template workspace, run the procedure; return (ws, before, rc, output)."""
    ws = work / ("ws-" + Path(name).stem)
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(template, ws)
    inbox = work / ("inbox-" + Path(name).stem)
    inbox.mkdir(exist_ok=True)
    src = inbox / name
    shutil.copyfile(FILES / name, src)
    output = ""
    procedure = procedure or spec.get("procedure", "import")
    if procedure == "suggest+import":
        p = run([FUNDTRAIL, "layout", "suggest", str(src), "--bank", spec.get("suggest_bank") or name.split("-")[0].upper(),
                 "--workspace", str(ws)])
        output += f"$ fundtrail layout suggest (rc {p.returncode})\n{p.stdout}{p.stderr}\n"
        if p.returncode != 0:
            return ws, None, p.returncode, output
    before = snapshot(ws)
    p = run([FUNDTRAIL, "import", str(ws / "main.beancount"), str(src)])
    output += f"$ fundtrail import (rc {p.returncode})\n{p.stdout}{p.stderr}"
    return ws, before, p.returncode, output


def cash_account(entries) -> str | None:
    """The Assets account every entry of the statement posts to."""
    common = None
    for e in entries:
        accts = {p.account for p in e.postings if p.account.startswith("Assets:")}
        common = accts if common is None else common & accts
    if not common:
        return None
    banks = sorted(a for a in common if a.startswith("Assets:Bank:")) or sorted(common)
    return banks[0]


def payment_amount(e) -> Decimal:
    return sum((p.units.number for p in e.postings if not p.account.startswith("Assets:")), Decimal(0))


def counterparty_ok(e, want: str) -> bool:
    if want == "":
        return e.payee in (None, "", "--")
    if e.payee == want:
        return True
    return any((p.meta or {}).get("beneficiary") == want for p in e.postings)


def id_of(e) -> str | None:
    for p in e.postings:
        v = (p.meta or {}).get("id_no")
        if v:
            return str(v)
    return None


def check_import(name: str, spec: dict, ws: Path, rc: int, output: str, r: Result) -> None:
    if "Traceback" in output:
        r.outcome = "traceback"
        r.problems.append("traceback in output")
        return
    if rc != 0:
        r.outcome = "refused (should import)"
        r.problems.append(f"exit code {rc}: {first_error(output)}")
        return
    entries, _errors = load(ws)
    from beancount.core import data

    txns = [e for e in of_file(entries, name) if isinstance(e, data.Transaction)]
    openings = [e for e in txns if any(p.account == "Equity:Opening" for p in e.postings)]
    txns = [e for e in txns if e not in openings]
    kind = spec["kind"]
    if len(txns) != spec["count"]:
        r.problems.append(f"{len(txns)} entries, expected {spec['count']}")
    acct = cash_account(txns) if kind == "statement" and txns else None

    def amount(e) -> Decimal:
        if kind == "statement":
            return sum((p.units.number for p in e.postings if p.account == acct), Decimal(0))
        return payment_amount(e)

    by_row: dict[int, list] = {}
    for e in txns:
        by_row.setdefault(e.meta.get("row"), []).append(e)
    unmatched = list(txns)
    for want in spec["entries"]:
        if "sheet" in want or kind == "voucher":
            cands = [e for e in unmatched if str(e.date) == want["date"]
                     and amount(e) == Decimal(want["amount"]) and counterparty_ok(e, want["counterparty"])]
            if kind == "voucher":
                cands = [e for e in cands if e.meta.get("voucher") in (None, want["voucher"])
                         or want["voucher"] in str(e.links)]
            if not cands:
                r.problems.append(f"no entry {want['date']} {want['amount']} {want['counterparty']}"
                                  + (f" (sheet {want['sheet']})" if "sheet" in want else ""))
                continue
            e = cands[0]
        else:
            got = [e for e in by_row.get(want["row"], []) if e in unmatched]
            if not got:
                r.problems.append(f"row {want['row']}: no entry (expected {want['date']} {want['amount']} "
                                  f"{want['counterparty']})")
                continue
            e = got[0]
            if str(e.date) != want["date"]:
                r.problems.append(f"row {want['row']}: date {e.date}, expected {want['date']}")
            if amount(e) != Decimal(want["amount"]):
                r.problems.append(f"row {want['row']}: amount {amount(e)}, expected {want['amount']}")
            if not counterparty_ok(e, want["counterparty"]):
                r.problems.append(f"row {want['row']}: counterparty {e.payee!r}, expected {want['counterparty']!r}")
        if want.get("id_no") and id_of(e) != want["id_no"]:
            r.problems.append(f"row {want.get('row')}: id_no {id_of(e)}, expected {want['id_no']}")
        unmatched.remove(e)
    for e in unmatched:
        r.problems.append(f"unexpected entry row {e.meta.get('row')}: {e.date} {amount(e)} {e.payee}")
    total = sum((amount(e) for e in txns), Decimal(0))
    if total != Decimal(spec["total"]):
        r.problems.append(f"total {total}, expected {spec['total']}")
    listed = skipped_rows(output)
    missing = [n for n in spec.get("skipped_rows", []) if n not in listed]
    if missing:
        r.problems.append(f"skipped rows not listed: {missing} (listed: {sorted(listed)})")
    if kind == "statement" and acct:
        if not acct.endswith("-" + spec["account_last4"]):
            r.problems.append(f"account {acct}, expected one ending -{spec['account_last4']}")
        lo, hi = date.fromisoformat(spec["closing_balance_earliest"]), date.fromisoformat(spec["closing_balance_date"])
        bals = [e for e in entries if isinstance(e, data.Balance) and e.account == acct]
        if not any(b.amount.number == Decimal(spec["closing_balance"]) and lo <= b.date <= hi for b in bals):
            found = [(str(b.date), str(b.amount.number)) for b in bals]
            r.problems.append(f"no closing balance assertion {spec['closing_balance']} on {lo}..{hi} (found: {found})")
        op = sum((p.units.number for e in openings for p in e.postings if p.account == acct), Decimal(0))
        if op != Decimal(spec["opening_balance"]):
            r.problems.append(f"opening entry {op}, expected {spec['opening_balance']}")
    r.outcome = "correct" if not r.problems else "wrong"


def first_error(output: str) -> str:
    for line in output.splitlines():
        if "Error" in line or "错误" in line or "无法" in line or "拒绝" in line:
            return line.strip()[:300]
    lines = [x for x in output.splitlines() if x.strip() and not x.startswith("$")]
    return (lines[-1] if lines else "").strip()[:300]


def check_refusal(name: str, spec: dict, ws: Path, before, rc: int, output: str, r: Result) -> None:
    if "Traceback" in output:
        r.outcome = "traceback"
        r.problems.append("traceback in output")
        return
    if rc == 0:
        r.outcome = "imported (should be refused)"
        r.problems.append("exit code 0")
        return
    unclear = []
    if name not in output and Path(name).stem not in output:
        unclear.append("message does not name the file")
    if not CJK.search(first_error(output) or output):
        unclear.append("no Chinese message")
    if spec.get("row") and not re.search(rf"第\s*{spec['row']}\s*行", output):
        unclear.append(f"message does not name row {spec['row']}")
    for w in spec.get("message_words", []):
        if w not in output:
            unclear.append(f"message lacks {w!r}")
    if before is not None and snapshot(ws) != before:
        changed = sorted(k for k in set(snapshot(ws)) | set(before) if snapshot(ws).get(k) != before.get(k))
        r.problems.append(f"workspace changed: {changed}")
    r.problems.extend(unclear)
    r.outcome = "refused correctly" if not r.problems else ("refused unclearly" if unclear else "refused, but wrote")


def documented_route(name: str, template: Path, work: Path) -> Result:
    """A statement as docs/importers.md says a user takes it in: `fundtrail import`; when that
    refuses it and points at `layout suggest` (no packaged layout reads the bank's export), the
    draft layout `layout suggest` writes, then the import again. The result is the second
    import's, its outcome marked "via layout suggest"; a refusal that does not point at the
    tool, or any other outcome of the direct import, is judged as it is."""
    r = check_file(name, template, work)
    spec = MANIFEST["files"][name]
    if (spec["kind"] != "statement" or spec["expect"] != "import" or spec.get("procedure", "import") != "import"
            or r.outcome != "refused (should import)" or "layout suggest" not in r.output):
        return r
    f = check_file(name, template, work, procedure="suggest+import")
    f.outcome = f"{f.outcome} (via layout suggest)"
    f.output = r.output + "\n" + f.output
    return f


def check_file(name: str, template: Path, work: Path, procedure: str | None = None) -> Result:
    spec = MANIFEST["files"][name]
    r = Result(name, spec["expect"])
    ws, before, rc, output = import_file(name, spec, template, work, procedure)
    r.rc, r.output = rc, output
    if before is None:  # layout suggest failed
        r.outcome = "traceback" if "Traceback" in output else "layout suggest failed"
        r.problems.append(f"layout suggest: exit code {rc}: {first_error(output)}")
        return r
    if spec["expect"] == "import":
        check_import(name, spec, ws, rc, output, r)
    else:
        check_refusal(name, spec, ws, before, rc, output, r)
    return r


def main(argv: list[str]) -> int:
    """--fallback: also try `layout suggest` + import on a statement the direct import refused,
    whatever the refusal says (information); --route: judge each file by `documented_route`, as
    tests/test_field4_corpus.py does."""
    if "--route" in argv:
        names = [a for a in argv if not a.startswith("--")] or list(MANIFEST["files"])
        bad = 0
        with tempfile.TemporaryDirectory(prefix="field4-") as tmp:
            template = make_template(Path(tmp))
            for name in names:
                r = documented_route(name, template, Path(tmp))
                bad += not r.ok
                print(f"== {name}: expected {r.expect}; outcome: {r.outcome}")
                for p in r.problems:
                    print(f"   - {p}")
        return 1 if bad else 0
    fallback = "--fallback" in argv
    names = [a for a in argv if not a.startswith("--")] or list(MANIFEST["files"])
    bad = 0
    with tempfile.TemporaryDirectory(prefix="field4-") as tmp:
        work = Path(tmp)
        template = make_template(work)
        for name in names:
            r = check_file(name, template, work)
            bad += not r.ok
            print(f"== {name}: expected {r.expect}; outcome: {r.outcome}")
            for p in r.problems:
                print(f"   - {p}")
            print("   " + r.output.replace("\n", "\n   ").rstrip())
            spec = MANIFEST["files"][name]
            if fallback and spec["kind"] == "statement" and spec["expect"] == "import" \
                    and spec["procedure"] == "import" and r.outcome == "refused (should import)":
                f = check_file(name, template, work, procedure="suggest+import")
                print(f"   fallback (layout suggest + import): {f.outcome}")
                for p in f.problems:
                    print(f"     - {p}")
                print("     " + f.output.replace("\n", "\n     ").rstrip())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

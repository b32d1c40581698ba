"""Re-reads every corpus file and checks manifest.json against it (run: python3 check.py).

Each file must decode in its encoding; each row the manifest names must hold the case's person
(name or ID number), loan number or project/contract; the 合计 rows must equal the sum of the rows.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent


def read(rel):
    path = HERE / rel
    if rel.endswith(".xlsx"):
        ws = openpyxl.load_workbook(path, data_only=True).active
        return [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    raw = path.read_bytes()
    enc = "gbk" if "gbk" in rel else "utf-8-sig"
    text = raw.decode(enc)
    return list(csv.reader(text.splitlines(), delimiter="\t" if rel.endswith(".txt") else ","))


def num(s):
    try:
        return Decimal(str(s).replace(",", "").replace("¥", ""))
    except InvalidOperation:
        return None


def main():
    m = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    bad = 0
    tables = {}
    for files in m["files"].values():
        for f in files:
            tables[f["file"]] = read(f["file"])
    for c in m["cases"]:
        marks = {c.get("person"), c.get("id_no"), c.get("loan"), c.get("project"), c.get("contract"),
                 c.get("lessee"), c.get("project_name")} | set(c.get("loans", [])) | set(c.get("id_nos", [])) | set(c.get("projects", []))
        marks.discard(None)
        if not c["rows"]:
            print("no rows:", c["id"])
            bad += 1
        for rel, rows in c["rows"].items():
            for r in rows:
                cells = {x.strip().upper() for x in tables[rel][r - 1]}
                if not any(str(k).upper() in cells for k in marks):
                    print("row without the case:", c["id"], rel, r, tables[rel][r - 1][:6])
                    bad += 1
    for rel, rows in tables.items():
        last = next(r for r in reversed(rows) if r and r[0].startswith("合计")) if any(
            r and r[0] == "合计" for r in rows) else rows[-1]
        if last and last[0] == "合计":
            header_at = next(i for i, r in enumerate(rows) if sum(1 for x in r if x) >= 4)
            for j, v in enumerate(last):
                t = num(v) if v and j else None
                if t is None:
                    continue
                s = sum(num(r[j]) or 0 for r in rows[header_at + 1:rows.index(last)] if j < len(r))
                if s != t:
                    print("total differs:", rel, j, t, s)
                    bad += 1
    print("ok" if not bad else f"{bad} problems", f"({len(m['cases'])} cases, {len(tables)} files)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

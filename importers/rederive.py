"""Does the ledger still say what its source documents say? `rederive(entries, root)` re-runs,
on every document filed under documents/ that the ledger's entries name (`source:`), the
importer that read it (the same choice an import makes: `registry.pick` over the workspace's
importers and layouts) and compares every field of every entry it produces with the ledger's
entries that name that document and row.

How the import is replayed: the books without any entry taken from a document (what was written
by hand or by the commands: chart of accounts, master data, allotments, manual entries) are the
import's context; the documents are read in the order an import reads them (registers, vouchers,
rosters, statements; by path within a kind) and each one's entries join the context before the
next is read, so an account's opening entry and closing balances come out as at import. A row's
classification uses the workspace's `classify.toml` as it was when the document was filed (the
git commit that added the document), else the current one.

Compared per entry: the date, payee, narration, links, the entry's metadata (time, doc_no, ...)
and each posting's account, amount and metadata (fund, stage, village, beneficiary, id_no,
card, item, payee_account, func_code, ...). Not compared: the import batch id, the filename and
line number, beancount's internal metadata. An entry's `sha256` is checked once per document.
Rows on one side only are reported too: a row the document has and the ledger lacks, an entry
naming a row the document does not have (or naming one twice), and a transaction or balance in
`transactions/imported.beancount` (written only by imports) that names no document.

Documented exceptions: a posting the importer put in suspense (Expenses:Suspense,
Income:Suspense) whose account and classification (fund, stage, project) the ledger changed
later, when a correction entry (`correction:` metadata, docs/audit-trail.md) links to the
imported entry. These are listed as exceptions, with the correction's location, not as
differences.
"""

from __future__ import annotations

import collections
import contextlib
import subprocess
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.importers import registry
from fundtrail.importers.classify import RULES_FILE, Classifier
from fundtrail.importers.context import ImportContext, is_opening, sha256
from fundtrail.importers.errors import BadInput
from fundtrail.importers.pipeline import IMPORTED
from fundtrail.verification import DOCUMENTS

WHOLE_ROW = "整行"

# field id -> the Chinese label a difference is reported under
LABELS = {
    "date": "日期", "payee": "收付款人", "narration": "摘要", "links": "链接", "account": "科目",
    "project": "项目", "amount": "金额", "fund": "资金指标", "stage": "付款阶段", "village": "行政村",
    "beneficiary": "领款人", "id_no": "身份证号", "card": "卡号", "item": "补贴项目",
    "payee_account": "对方账号", "func_code": "功能科目", "eco_code": "经济科目", "loan": "贷款编号",
    "time": "交易时间", "doc_no": "指标文号", "sha256": "文件摘要", "file": "原始凭证",
    "balance": "余额",
}
SKIPPED_META = {"filename", "lineno", "batch", "source", "sha256", "row", "voucher"}
RECLASSIFIABLE = {"account", "project", "fund", "stage"}  # what a documented reclassification changes
SUSPENSE = (acc.SUSPENSE_EXPENSE, acc.SUSPENSE_INCOME)


@dataclass
class Difference:
    source: str  # the document, workspace-relative
    row: object  # the row number (int), the voucher number (str), or None (the file, a balance)
    where: str  # the row as a reader names it: 第6行, 凭证 2024-0031, 期末余额断言
    field: str  # the Chinese label of the field (LABELS), or 整行 for a row on one side only
    before: str  # what the document gives
    after: str  # what the ledger says
    ledger_at: str = ""  # file:line of the ledger entry
    documented_by: str = ""  # file:line of the correction entry that explains it (exceptions)

    def line(self) -> str:
        at = f"  [{self.ledger_at}]" if self.ledger_at else ""
        why = f" (更正分录 correction: {self.documented_by})" if self.documented_by else ""
        return f"{self.source} {self.where} {self.field}: {self.before} → {self.after}{why}{at}"


@dataclass
class Rederivation:
    documents: int = 0  # documents re-read
    entries: int = 0  # entries the documents produced
    differences: list[Difference] = field(default_factory=list)
    exceptions: list[Difference] = field(default_factory=list)  # documented, not differences


def rederive(entries, root, progress=None) -> Rederivation:
    """Compare the ledger `entries` of the workspace `root` with what its documents give (see the
    module doc). `progress(number, total, source)` is called before each document is read."""
    root = Path(root).resolve()
    named, base, stray = _split(entries, root)
    out = Rederivation()
    for entry in stray:
        out.differences.append(Difference(
            _rel(entry.meta.get("filename", ""), root) or IMPORTED, None, _entry_where(entry),
            WHOLE_ROW, "(无原始凭证 names no source document)", _summary(entry), _at(entry, root)))
    candidates = registry.importers(root)
    chosen = []
    for source in sorted(named):
        path = root / source
        if not path.resolve().is_relative_to(root / "documents") or not path.is_file():
            out.differences.append(Difference(source, None, "", LABELS["file"], source,
                                              "(文件缺失 missing)", _at(named[source][0], root)))
            continue
        try:
            chosen.append((registry.pick(path, candidates), path, source))
        except BadInput as error:
            out.differences.append(_unreadable(source, error, named[source][0], root))
    chosen.sort(key=lambda ips: (registry.rank(ips[0]), str(ips[1])))
    ctx = ImportContext(root, base, batch="rederive")
    rules = _rules_at_import(root, [s for _, _, s in chosen])
    derived: dict[str, list] = {}
    for number, (importer, path, source) in enumerate(chosen, 1):
        if progress:
            progress(number, len(chosen), source)
        try:  # the rules as at import may themselves no longer load: that file is unreadable
            with _classifier(ctx, rules.get(source)):
                ex = importer.read(path, ctx)
        except BadInput as error:
            out.differences.append(_unreadable(source, error, named[source][0], root))
            continue
        if ex.remove:  # an earlier document's opening entry, moved to this one
            gone = {id(e) for e in ex.remove}
            ctx.drop(ex.remove)
            for key in derived:
                derived[key] = [e for e in derived[key] if id(e) not in gone]
        derived[source] = []
        for entry in ex.entries:  # as the import took them: a row the books held is not this file's
            if ctx.holds(entry):
                continue
            derived[source].append(entry)
            ctx.add([entry])
        out.documents += 1
        digest = sha256(path)
        recorded = sorted({str(e.meta["sha256"]) for e in named[source] if e.meta.get("sha256")} - {digest})
        if recorded:
            out.differences.append(Difference(source, None, "", LABELS["sha256"], digest[:16],
                                              recorded[0][:16], _at(named[source][0], root)))
    corrections = _corrections(base)
    for source, items in derived.items():
        out.entries += len(items)
        for diff in _compare(source, items, named[source], corrections, root):
            (out.exceptions if diff.documented_by else out.differences).append(diff)
    return out


# -- the books, split -------------------------------------------------------------------------
def _split(entries, root: Path):
    """(document -> the ledger entries naming it, the other entries, stray imported entries)."""
    named, base, stray = collections.defaultdict(list), [], []
    imported = (root / IMPORTED).resolve()
    for entry in entries:
        meta = getattr(entry, "meta", None) or {}
        source = meta.get("source")
        if isinstance(source, str) and source.startswith(DOCUMENTS):
            named[source].append(entry)
        elif isinstance(entry, (data.Transaction, data.Balance)) and meta.get("filename") and \
                Path(meta["filename"]).resolve() == imported:
            stray.append(entry)
        else:
            base.append(entry)
    return named, base, stray


def _corrections(entries) -> dict[str, object]:
    """link -> the correction entry (`correction:` metadata) carrying it."""
    out = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.meta.get("correction"):
            for link in entry.links or ():
                out.setdefault(link, entry)
    return out


# -- classify.toml as at import ---------------------------------------------------------------
def _rules_at_import(root: Path, sources) -> dict[str, str | None]:
    """document -> the text of classify.toml in the git commit that added it (None: not in
    history, or no classify.toml then). Only documents whose rules differ from today's."""
    if not sources or not (root / ".git").exists():
        return {}
    try:
        log = _git(root, "-c", "core.quotePath=false", "log", "--diff-filter=A", "--format=@%H",
                   "--name-only", "--", "documents")  # names as written, not octal-quoted
    except (OSError, subprocess.CalledProcessError):
        return {}
    added, commit = {}, ""
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line.strip():
            added.setdefault(line.strip(), commit)  # newest first: the latest time it was added
    current = (root / RULES_FILE).read_text("utf-8") if (root / RULES_FILE).is_file() else None
    texts, out = {}, {}
    for source in sources:
        commit = added.get(source)
        if not commit:
            continue
        if commit not in texts:
            try:
                texts[commit] = _git(root, "show", f"{commit}:{RULES_FILE}")
            except (OSError, subprocess.CalledProcessError):
                texts[commit] = None
        if texts[commit] != current:
            out[source] = texts[commit]
    return out


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


@contextlib.contextmanager
def _classifier(ctx: ImportContext, rules: str | None):
    """The context's classifier with the rules as at import (`rules`: that classify.toml's text;
    None: the current rules stand)."""
    if rules is None:
        yield
        return
    current = ctx.classifier
    with tempfile.TemporaryDirectory(prefix="fundtrail-rederive-") as scratch:
        (Path(scratch) / RULES_FILE).write_text(rules, "utf-8")
        ctx.classifier = Classifier.load(Path(scratch), ctx.master, ctx.treasury())
        try:
            yield
        finally:
            ctx.classifier = current


# -- comparing --------------------------------------------------------------------------------
def _key(entry):
    meta = entry.meta
    if isinstance(entry, data.Balance):
        return ("balance", entry.account)
    if meta.get("voucher") is not None:
        return ("voucher", str(meta["voucher"]))
    if meta.get("row") is not None:  # a workbook's row: of its sheet (a roster's sheet per town)
        return ("row", int(meta["row"]), isinstance(entry, data.Transaction) and is_opening(entry),
                str(meta.get("sheet") or ""))
    return ("entry", str(entry.date), getattr(entry, "narration", ""))


def _where(key) -> str:
    if key[0] == "balance":
        return f"期末余额断言 {key[1]}"
    if key[0] == "voucher":
        return f"凭证 {key[1]}"
    if key[0] == "row":
        return (f"工作表「{key[3]}」" if key[3] else "") + f"第{key[1]}行" + (" 期初余额" if key[2] else "")
    return f"{key[1]} {key[2]}"


def _row(key):
    return key[1] if key[0] in ("voucher", "row") else None


def _entry_where(entry) -> str:
    return _where(_key(entry))


def _compare(source: str, derived, ledger, corrections, root: Path):
    wanted = {}
    for entry in derived:
        wanted.setdefault(_key(entry), entry)
    held = collections.defaultdict(list)
    for entry in ledger:
        held[_key(entry)].append(entry)
    for key, entry in wanted.items():
        mine = held.pop(key, [])
        if not mine:
            yield Difference(source, _row(key), _where(key), WHOLE_ROW, _summary(entry),
                             "(账簿中缺少此行 missing from the ledger)")
            continue
        for extra in mine[1:]:
            yield Difference(source, _row(key), _where(key), WHOLE_ROW, "(重复 repeated)",
                             _summary(extra), _at(extra, root))
        yield from _fields(source, key, entry, mine[0], corrections, root)
    for key, items in held.items():
        for entry in items:
            yield Difference(source, _row(key), _where(key), WHOLE_ROW,
                             "(原始凭证中无此行 not in the document)", _summary(entry), _at(entry, root))


def _fields(source, key, want, have, corrections, root: Path):
    at = _at(have, root)
    diffs = []  # (field, before, after, posting account or "")
    if type(want) is not type(have):
        diffs.append(("entry", type(want).__name__, type(have).__name__, ""))
    elif isinstance(want, data.Balance):
        diffs += _values("date", want.date, have.date)
        diffs += _values("account", want.account, have.account)
        diffs += _values("balance", _money(want.amount), _money(have.amount))
    else:
        diffs += _values("date", want.date, have.date)
        diffs += _values("payee", want.payee or "", have.payee or "")
        diffs += _values("narration", want.narration or "", have.narration or "")
        diffs += _values("links", _links(want.links), _links(have.links))
        diffs += _meta(want.meta, have.meta, "")
        diffs += _postings(want.postings, have.postings)
    correction = next((corrections[link] for link in sorted(want.links or ()) if link in corrections),
                      None) if isinstance(want, data.Transaction) else None
    suspense = {p.account for p in getattr(want, "postings", ()) if p.account in SUSPENSE}
    for name, before, after, account in diffs:
        documented = ""
        if correction is not None and suspense and name in RECLASSIFIABLE and account in suspense:
            documented = _at(correction, root)
        label = LABELS.get(name, name) + (f" ({account})" if account and name != "account" and
                                          name != "project" else "")
        yield Difference(source, _row(key), _where(key), label, before, after, at, documented)


def _values(name, want, have, account=""):
    return [] if _same(want, have) else [(name, _text(want), _text(have), account)]


def _same(a, b) -> bool:
    if a == b:
        return True
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        with contextlib.suppress(ArithmeticError, ValueError, TypeError):
            return Decimal(str(a)) == Decimal(str(b))
    return str(a) == str(b)


def _meta(want: dict | None, have: dict | None, account: str):
    want = {k: v for k, v in (want or {}).items() if _compared(k)}
    have = {k: v for k, v in (have or {}).items() if _compared(k)}
    out = []
    for name in sorted(set(want) | set(have)):
        out += _values(name, want.get(name, ""), have.get(name, ""), account)
    return out


def _compared(name) -> bool:
    return isinstance(name, str) and not name.startswith("__") and name not in SKIPPED_META


def _postings(want, have):
    """Differences of the postings, paired: the same account and amount first, then the same
    account, then in order. A changed amount on both sides of a move (the cash and the other
    posting) is one difference."""
    left, right, pairs = list(want), list(have), []
    for same in (lambda a, b: a.account == b.account and _same_units(a, b),
                 lambda a, b: a.account == b.account, lambda a, b: True):
        for posting in list(left):
            match = next((p for p in right if same(posting, p)), None)
            if match is not None:
                pairs.append((posting, match))
                left.remove(posting)
                right.remove(match)
    out, amounts = [], collections.defaultdict(list)
    for a, b in pairs:
        name = "project" if a.account.startswith(acc.PROJECT + ":") and b.account.startswith(
            acc.PROJECT + ":") else "account"
        out += _values(name, a.account, b.account, a.account)
        if not _same_units(a, b):
            amounts[(abs(_number(a)), abs(_number(b)))].append(a.account)
        out += _meta(a.meta, b.meta, a.account)
    for (before, after), accounts in amounts.items():
        out.append(("amount", _money_number(before), _money_number(after),
                    "" if len(accounts) > 1 else accounts[0]))
    for posting in left:
        out.append(("posting", f"{posting.account} {_money(posting.units)}", "(无 none)", ""))
    for posting in right:
        out.append(("posting", "(无 none)", f"{posting.account} {_money(posting.units)}", ""))
    return out


def _number(posting) -> Decimal:
    units = posting.units
    return units.number if units is not None and units.number is not None else Decimal(0)


def _same_units(a, b) -> bool:
    return _number(a) == _number(b) and getattr(a.units, "currency", None) == getattr(b.units, "currency", None)


def _money(amount) -> str:
    if amount is None or amount.number is None:
        return "-"
    return f"{amount.number:,.2f} {amount.currency}"


def _money_number(number: Decimal) -> str:
    return f"{number:,.2f}"


def _links(links) -> str:
    return " ".join(f"^{link}" for link in sorted(links or ()))


def _text(value) -> str:
    if value is None or value == "":
        return "(空 empty)"
    return str(value)


def _summary(entry) -> str:
    if isinstance(entry, data.Balance):
        return f"{entry.date} balance {entry.account} {_money(entry.amount)}"
    if isinstance(entry, data.Transaction):
        moved = max((abs(_number(p)) for p in entry.postings), default=Decimal(0))
        return f"{entry.date} {entry.payee or ''} {entry.narration} {_money_number(moved)}".replace("  ", " ")
    return f"{entry.date} {type(entry).__name__}"


def _at(entry, root: Path) -> str:
    meta = getattr(entry, "meta", None) or {}
    return f"{_rel(meta.get('filename', ''), root)}:{meta.get('lineno', 0)}"


def _rel(name, root: Path) -> str:
    if not name:
        return ""
    try:
        return Path(name).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(name)


def _unreadable(source: str, error: BadInput, entry, root: Path) -> Difference:
    return Difference(source, None, "", LABELS["file"], "(无法重新读取 cannot be re-read)",
                      str(error), _at(entry, root))

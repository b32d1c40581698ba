"""The reconciliation an import prints: per file, rows read = new + present + updated +
skipped (each skipped row with its reason), and the batch's totals."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileReport:
    path: str
    source: str
    kind: str
    importer: str
    read: int
    new: int
    present: int
    updated: int
    skipped: list[tuple[int, str]]
    warnings: list[str]
    rows_are_entries: bool = True  # statements, vouchers, rosters (not registers)
    transactions: int = 0  # transactions added, including opening entries
    openings: int = 0
    balances: int = 0
    receipts: int = 0
    accounts: list[str] = field(default_factory=list)
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (header, field label)
    ignored: list[str] = field(default_factory=list)  # headers known and not booked

    def lines(self) -> list[str]:
        out = [f"{self.source}  [{self.kind}]",
               f"  读取 read {self.read} = 新增 new {self.new} + 已存在 present {self.present}"
               + (f" + 更新 updated {self.updated}" if self.updated else "")
               + f" + 跳过 skipped {len(self.skipped)}"]
        out += [f"    跳过第{row}行 skipped row {row}: {reason}" for row, reason in self.skipped]
        if self.mapped:
            out.append("  读取的列 columns read: " + "、".join(
                header if header == label else f"{header}→{label}" for header, label in self.mapped))
        if self.ignored:
            out.append("  忽略的列(不入账) columns ignored: " + "、".join(self.ignored))
        extra = [(self.openings, "期初余额分录 opening entries"), (self.balances, "余额断言 balance assertions"),
                 (self.receipts, "指标到账分录 fund receipts")]
        out += [f"  另 plus {n} {label}" for n, label in extra if n]
        out += [f"  新开账户 new account: {a}" for a in self.accounts]
        out += [f"  注意 note: {w}" for w in self.warnings]
        return out


@dataclass
class ImportSummary:
    batch: str
    ledger: str
    dry_run: bool
    files: list[FileReport]
    written: list[str]

    @property
    def transactions(self) -> int:
        return sum(f.transactions for f in self.files)

    def lines(self) -> list[str]:
        out = [line for report in self.files for line in report.lines()]
        rows = sum(f.new for f in self.files if f.rows_are_entries)
        out.append(f"批次 batch {self.batch}: 新增交易 {self.transactions} 笔 transactions added "
                   f"({rows} 行 rows + 期初/到账 openings and receipts "
                   f"{self.transactions - rows})")
        out.append("试运行，未写入 dry run: nothing written" if self.dry_run
                   else f"已写入 written: {', '.join(self.written) or '(无 nothing)'}")
        return out

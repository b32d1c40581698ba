"""The province's commands: `fundtrail rollup COUNTY... --out DIR` (Dask) and
`fundtrail province report|check|keygen` (DuckDB over the counties' Parquet)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from fundtrail.cli.commands.common import Day, OutputPath, Year, write

KEY = click.option("--key", "key_file", type=click.Path(dir_okay=False), default=None,
                   help="省级哈希密钥文件 province hash key file (默认 default: $FUNDTRAIL_PROVINCE_KEY)")


def read_key(key_file):
    from fundtrail.province.pseudonym import ProvinceKeyError, read_key

    try:
        return read_key(key_file)
    except ProvinceKeyError as error:
        raise click.ClickException(str(error)) from None


def county_ledgers(counties) -> list[str]:
    """Each COUNTY as a ledger file: a workspace folder means its main.beancount."""
    ledgers = []
    for county in counties:
        path = Path(county)
        if path.is_dir():
            path = path / "main.beancount"
        ledgers.append(str(path))
    return ledgers


def _line(result) -> str:
    label = f"{result.name or ''} {result.county or result.ledger}".strip()
    if result.status == "skipped":
        return f"  跳过(未变) skipped, unchanged: {label}"
    if result.status == "failed":
        return f"  失败 FAILED: {result.ledger}\n    {result.error.replace(chr(10), chr(10) + '    ')}"
    return (f"  已导出 exported: {label}  交易 {result.transactions} transactions, "
            f"疑点 {result.findings} findings, {result.seconds:.1f} s")


@click.command(help="汇总多个县账簿 Roll up county ledgers in parallel on Dask: load, check and "
                    "export each to Parquet; unchanged counties are skipped.")
@click.argument("counties", nargs=-1, required=True, type=click.Path(exists=False))
@click.option("--out", required=True, type=OutputPath(directory=True), help="输出目录 output directory")
@click.option("--scheduler", default=None, help="已有 Dask 集群的调度器地址 scheduler address of an "
                                                "existing cluster, e.g. tcp://10.0.0.5:8786")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="本机工作进程数 local worker processes (默认 default: one per core)")
@click.option("--memory-limit", default="2GiB", show_default=True,
              help="每个本机工作进程的内存上限 memory limit of each local worker")
@click.option("--force", is_flag=True, help="全部重新导出 export every county again")
@KEY
def rollup(counties, out, scheduler, workers, memory_limit, force, key_file):
    from fundtrail.province.rollup import make_client
    from fundtrail.province.rollup import rollup as run

    key, ledgers = read_key(key_file), county_ledgers(counties)
    try:
        with click.progressbar(length=len(ledgers), label="县 counties", show_pos=True,
                               file=sys.stderr) as bar:
            results = run(ledgers, out, key, lambda: make_client(scheduler, workers, memory_limit),
                          on_done=lambda result: bar.update(1), force=force)
    except (OSError, TimeoutError) as error:
        where = f"调度器 {scheduler}" if scheduler else "本机工作进程"
        raise click.ClickException(f"无法连接{where}，汇总未进行 cannot reach the Dask cluster: "
                                   f"{error}") from None
    click.echo("\n".join(map(_line, results)))
    counts = {s: sum(r.status == s for r in results) for s in ("exported", "skipped", "failed")}
    click.echo(f"导出 exported {counts['exported']}, 跳过 skipped {counts['skipped']}, "
               f"失败 failed {counts['failed']} → {out}")
    if counts["failed"]:
        raise SystemExit(1)


@click.group(help="省级汇总与跨县核查 Province figures and cross-county checks over a rollup.")
def province():
    pass


ROLLUP_DIR = click.argument("rollup_dir", type=click.Path(exists=True, file_okay=False))


def _province(rollup_dir):
    import duckdb

    from fundtrail.province.queries import Province

    try:
        province = Province(rollup_dir)
        counties = province.counties()
    except duckdb.Error as error:
        raise click.ClickException(f"汇总目录中的 Parquet 文件无法读取（请重新运行 fundtrail rollup）"
                                   f" unreadable rollup files in {rollup_dir}: {error}") from None
    if not counties:
        raise click.ClickException(f"目录中没有县的导出 no county exports in {rollup_dir} "
                                   f"(先运行 run `fundtrail rollup ... --out {rollup_dir}`)")
    return province


@province.command(help="省级汇总报告 Province report (PDF + xlsx): figures by county, level and "
                       "indicator document, progress, idle money, cross-county findings.")
@ROLLUP_DIR
@click.option("--year", type=Year(), required=True)
@click.option("--as-of", type=Day(), default=None, help="支出进度截止日 progress judged at (默认年末 year end)")
@click.option("--name", default="全省", show_default=True, help="汇总范围 name of the province or city")
@click.option("--bureau", default="省财政厅", show_default=True, help="出具单位 issuer")
@click.option("--person-limit", type=click.IntRange(0), default=None,
              help="每人年度补助限额(元) yearly subsidy limit per person (默认 default 8000)")
@click.option("--out", default=None, type=OutputPath(directory=True), help="输出目录 (默认 ROLLUP_DIR/reports)")
def report(rollup_dir, year, as_of, name, bureau, person_limit, out):
    from fundtrail.reports.province import pdf_bytes, province_facts, xlsx_bytes

    settings = {} if person_limit is None else {"person_year_limit": person_limit}
    facts = province_facts(_province(rollup_dir), year, as_of, name, bureau, settings)
    out = out or Path(rollup_dir) / "reports"
    write(out / f"province-{year}.pdf", lambda: pdf_bytes(facts))
    write(out / f"province-{year}.xlsx", lambda: xlsx_bytes(facts))


@province.command(help="跨县核查疑点 Cross-county findings.")
@ROLLUP_DIR
@click.option("--json", "as_json", is_flag=True, help="以JSON输出 as JSON")
@click.option("--person-limit", type=click.IntRange(0), default=None,
              help="每人年度补助限额(元) yearly subsidy limit per person (默认 default 8000)")
def check(rollup_dir, as_json, person_limit):
    from fundtrail.findings import SEVERITY_LABELS
    from fundtrail.province.rules import cross_county

    settings = {} if person_limit is None else {"person_year_limit": person_limit}
    found = cross_county(_province(rollup_dir), settings)
    if as_json:
        click.echo(json.dumps([f.as_json() for f in found], ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo("未发现跨县疑点 No cross-county findings.")
    for f in found:
        click.echo(f"{f.id} {f.title} [{SEVERITY_LABELS[f.severity]}] {f.date} "
                   f"{f.message}")


@province.command(help="生成省级哈希密钥 Make a new province hash key file (keep it out of any repository).")
@click.argument("key_file", type=click.Path(dir_okay=False))
def keygen(key_file):
    from fundtrail.province.pseudonym import new_key_file

    try:
        new_key_file(Path(key_file))
    except FileExistsError:
        raise click.ClickException(f"密钥文件已存在 key file exists, not overwritten: {key_file}") from None
    except OSError as error:
        raise click.ClickException(f"无法写入 cannot write {key_file}: {error.strerror}") from None
    click.echo(f"已生成 written: {key_file} (仅本人可读 owner-only; 分发给各县 give it to each county "
               f"out of band)")

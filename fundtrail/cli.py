"""The `fundtrail` command: init, demo, check, serve."""

from __future__ import annotations

import collections
import datetime
import json
import sys
from pathlib import Path

import click

from fundtrail import workspace
from fundtrail.commands.books_arg import LEDGER, OutputPath, cannot_write
from fundtrail.findings import SEVERITIES, SEVERITY_LABELS, Finding, is_closed, severity_rank


@click.group(help="fundtrail: 衔接资金/扶贫资金 复式账簿与审计线索 (double-entry fund ledger on beancount).")
@click.version_option(package_name="fundtrail")
def main():
    pass


@main.command(help="新建空白账簿工作区 Create an empty county workspace in DIR.")
@click.argument("directory", type=OutputPath(directory=True))
@click.option("--county", default="青禾区", show_default=True, help="区县名称")
@click.option("--admdiv", default="370405", show_default=True, help="行政区划代码")
@click.option("--phone", default="0632-12317", show_default=True, help="监督电话")
@click.option("--start", default="2016-01-01", show_default=True,
              type=click.DateTime(formats=["%Y-%m-%d"]),
              help="账簿起始日 (standard accounts open here; imports may not predate it)")
def init(directory: Path, county: str, admdiv: str, phone: str, start: datetime.datetime):
    try:
        main_file = workspace.create(directory, workspace.County(
            admdiv=admdiv, name=county, bureau=f"{county}财政局", phone=phone,
            start=start.date()))
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise cannot_write(Path(error.filename or directory), error) from None
    click.echo(f"已创建工作区 Workspace created: {main_file}")
    _start_history(directory, f"新建工作区 {county} workspace created")
    click.echo(f"下一步 Next: fundtrail serve {main_file}")


@main.command(help="生成演示区县(青禾区)工作区 Build the demo county workspace.")
@click.option("--dir", "directory", default="demo", show_default=True, type=OutputPath(directory=True),
              help="工作区目录 workspace directory")
@click.option("--seed", default=20241, show_default=True, help="随机种子 (same seed, same books)")
def demo(directory: Path, seed: int):
    from fundtrail.ledgers.demo.build import build

    if (directory / workspace.MAIN).exists():
        raise click.ClickException(f"账簿已存在 workspace already exists: {directory / workspace.MAIN}"
                                   " (删除后重建 remove it to rebuild)")
    try:
        summary = build(directory, seed)
    except OSError as error:
        raise cannot_write(Path(error.filename or directory), error) from None
    _start_history(directory, "演示区县 青禾区 demo county built")
    click.echo(f"演示区县 青禾区 已生成 Demo county built in {directory}/")
    click.echo(f"  {summary['villages']} 个行政村, {summary['projects']} 个项目, {summary['funds']} 个指标文件, "
               f"{summary['transactions']} 笔交易, {summary['households']} 户登记户, {summary['loans']} 笔小额信贷")
    click.echo(f"  原始凭证 raw inputs: {summary['statements']} 份银行对账单, 国库支付凭证, 一卡通发放明细, 登记册 "
               f"(documents/, registers/)")
    click.echo(f"  预置疑点 planted anomalies: {summary['expected']} (expected-findings.json)")
    click.echo("下一步 Next:")
    click.echo(f"  fundtrail check {summary['ledger']}")
    click.echo(f"  fundtrail serve {summary['ledger']}")


def _start_history(directory: Path, message: str) -> None:
    from fundtrail import history

    if not history.available():
        click.echo(history.NO_GIT, err=True)
        return
    try:
        commit = history.init(directory, f"{message} ({history.user(directory)})")
    except history.HistoryError as error:
        click.echo(str(error), err=True)
        return
    click.echo(f"修改历史 git repository: {directory} (commit {(commit or '')[:12]})")


def _load(ledger: str):
    from beancount import loader

    if not Path(ledger).is_file():
        raise click.ClickException(f"找不到账簿文件 ledger file not found: {ledger}")
    return loader.load_file(ledger)


@main.command(help="运行全部检查并列出疑点 Load the books with all checks and list the findings.")
@LEDGER
@click.option("--json", "as_json", is_flag=True, help="以JSON输出全部疑点(含处置状态) all findings as JSON")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="存在该级别及以上未处置疑点时退出码为1 exit 1 on an undisposed finding at or above this severity")
def check(ledger: str, as_json: bool, fail_on: str | None):
    from beancount.parser import printer

    from fundtrail.plugins import checks

    entries, errors, options = _load(ledger)
    try:
        settings = checks.parse_settings(checks.plugin_config(options))
    except ValueError as error:
        raise click.ClickException(f"{ledger}: {error}") from None
    found, review_errors = checks.review(entries, settings)
    ledger_errors = [e for e in errors if not isinstance(e, Finding)]
    seen = {(e.source.get("filename"), e.source.get("lineno"), e.message) for e in ledger_errors}
    ledger_errors += [e for e in review_errors  # when the ledger does not load the plugin itself
                      if (e.source["filename"], e.source["lineno"], e.message) not in seen]
    for error in ledger_errors:  # like bean-check: file:line first
        sys.stderr.write(printer.format_error(error))
    if as_json:
        click.echo(json.dumps([f.as_json() for f in found], ensure_ascii=False, indent=1))
    else:
        _print_findings(found)
        if ledger_errors:
            click.echo(f"账簿错误 ledger errors: {len(ledger_errors)}", err=True)
    failing = fail_on and any(severity_rank(f.severity) >= severity_rank(fail_on)
                              and not is_closed(f) for f in found)
    if ledger_errors or failing:
        sys.exit(1)


def _print_findings(found: list[Finding]) -> None:
    if not found:
        click.echo("未发现疑点 No findings.")
        return
    groups = collections.defaultdict(list)
    for finding in found:
        groups[(finding.rule, finding.severity)].append(finding)
    for (rule, severity), items in sorted(groups.items(),
                                          key=lambda kv: (-severity_rank(kv[0][1]), kv[0][0])):
        click.echo(f"== {rule} [{SEVERITY_LABELS[severity]} {severity}] {len(items)} 项")
        for f in items:
            status = f"【{f.status}: {f.reason}】 " if f.status else ""
            click.echo(f"  {f.id} {status}{f.date} {f.source['filename']}:{f.source['lineno']}  {f.message}")
    counts = collections.Counter(f.severity for f in found if not is_closed(f))
    closed = sum(is_closed(f) for f in found)
    click.echo("合计 total: " + ", ".join(f"{SEVERITY_LABELS[s]} {counts[s]}" for s in reversed(SEVERITIES))
               + (f"; 已处置 disposed {closed}" if closed else ""))


@main.command(help="启动 Fava (中文界面), 默认仅本机 Serve the books in Fava (127.0.0.1 unless --users).")
@LEDGER
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="端口 port")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址 address to listen on (非本机地址须 --users; other hosts need --users)")
@click.option("--users", "users_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="用户文件, 启用登录 users file: log in per user (`fundtrail users add`)")
def serve(ledger: str, port: int, host: str, users_path: str | None):
    from fundtrail.serve import create_app

    if host not in ("127.0.0.1", "localhost", "::1") and not users_path:
        raise click.ClickException("Fava 无身份认证，不带 --users 只能在本机访问 Fava has no "
                                   "authentication: serve on 127.0.0.1, or log users in with --users FILE.")
    _require_free_port(host, port)
    app = create_app(ledger)
    if users_path:
        from fundtrail.access import protect
        from fundtrail.users import UsersFileError

        try:
            protect(app, users_path)
        except UsersFileError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Fava: http://{host}:{port}/  (Ctrl+C 退出)")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)


def _require_free_port(host: str, port: int) -> None:
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise click.ClickException(f"无法解析监听地址 cannot resolve --host {host}: {error}") from None
    family, _type, _proto, _name, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise click.ClickException(f"无法在 {host}:{port} 监听 (端口被占用? 换 --port) cannot listen "
                                       f"on {host}:{port}: {error.strerror or error}") from None


# Commands that live in their own modules (fundtrail/commands/*.py) register here, one line each.
from fundtrail.commands.export import export  # noqa: E402
from fundtrail.commands.history import history  # noqa: E402
from fundtrail.commands.importing import import_command  # noqa: E402
from fundtrail.commands.report import report  # noqa: E402
from fundtrail.commands.seal import seal  # noqa: E402
from fundtrail.commands.users import users  # noqa: E402
from fundtrail.commands.verify import verify  # noqa: E402

main.add_command(import_command)
main.add_command(report)
main.add_command(export)
main.add_command(seal)
main.add_command(verify)
main.add_command(history)
main.add_command(users)


if __name__ == "__main__":
    main()

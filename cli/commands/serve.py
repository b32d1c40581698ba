"""`fundtrail serve LEDGER [--users FILE]`: Fava with the Chinese UI and the fundtrail pages."""

from __future__ import annotations

import click

from fundtrail.cli.commands.common import LEDGER


@click.command(help="启动 Fava (中文界面), 默认仅本机 Serve the books in Fava (127.0.0.1 unless --users).")
@LEDGER
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="端口 port")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址 address to listen on (非本机地址须 --users; other hosts need --users)")
@click.option("--users", "users_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="用户文件, 启用登录 users file: log in per user (`fundtrail users add`)")
def serve(ledger: str, port: int, host: str, users_path: str | None):
    from fundtrail.web.serve import create_app, secure
    from fundtrail.web.users import UsersFileError

    if host not in ("127.0.0.1", "localhost", "::1") and not users_path:
        raise click.ClickException("Fava 无身份认证，不带 --users 只能在本机访问 Fava has no "
                                   "authentication: serve on 127.0.0.1, or log users in with --users FILE.")
    _require_free_port(host, port)
    app = create_app(ledger)
    try:
        secure(app, ledger, users_path)
    except UsersFileError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # the server key lives in the workspace's .fundtrail/
        raise click.ClickException(f"无法写入工作区的 .fundtrail/ 密钥 cannot write the server key "
                                   f"in the workspace: {error}") from None
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

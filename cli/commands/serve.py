"""`fundtrail serve LEDGER [--users FILE]`: Fava with the Chinese UI and the fundtrail pages, on
cheroot (fundtrail.web.server) with a bounded pool of worker threads; HTTPS with --certfile and
--keyfile, or behind a TLS reverse proxy (docs/security.md)."""

from __future__ import annotations

import click

from fundtrail.cli.commands.common import LEDGER
from fundtrail.web.server import THREADS

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command(help="启动 Fava (中文界面), 默认仅本机 Serve the books in Fava (127.0.0.1 unless --users).")
@LEDGER
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="端口 port")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址 address to listen on (非本机地址须 --users; other hosts need --users)")
@click.option("--users", "users_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="用户文件, 启用登录 users file: log in per user (`fundtrail users add`)")
@click.option("--threads", default=THREADS, show_default=True, type=click.IntRange(1, 256),
              help="工作线程数 worker threads answering requests")
@click.option("--certfile", type=click.Path(dir_okay=False, exists=True), default=None,
              help="TLS 证书 (PEM), 与 --keyfile 一起启用 HTTPS certificate: serve HTTPS")
@click.option("--keyfile", type=click.Path(dir_okay=False, exists=True), default=None,
              help="TLS 私钥 (PEM) private key of --certfile")
def serve(ledger: str, port: int, host: str, users_path: str | None, threads: int,
          certfile: str | None, keyfile: str | None):
    from fundtrail.web import server as http
    from fundtrail.web.serve import create_app, secure
    from fundtrail.web.users import UsersFileError

    if host not in LOOPBACK and not users_path:
        raise click.ClickException("Fava 无身份认证，不带 --users 只能在本机访问 Fava has no "
                                   "authentication: serve on 127.0.0.1, or log users in with --users FILE.")
    _require_free_port(host, port)
    http.log_to_stderr()  # before the sessions file is read
    try:
        tls = http.tls_adapter(certfile, keyfile) if certfile or keyfile else None
    except http.ServerError as error:
        raise click.ClickException(str(error)) from None
    app = create_app(ledger)
    try:
        secure(app, ledger, users_path)
    except UsersFileError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # the server key lives in the OS user's config folder (fundtrail.keys)
        raise click.ClickException(f"无法写入服务器会话密钥 cannot write the server key: {error}") from None
    try:
        server = http.make_server(app, host, port, threads=threads, tls=tls)
        scheme = "https" if tls else "http"
        click.echo(f"账簿网页已启动：{scheme}://{_url_host(host)}:{port}/  （{threads} 个工作线程，"
                   "按 Ctrl+C 退出）")
        if not tls and host not in LOOPBACK:
            click.echo("注意: 未启用 HTTPS, 密码和会话在网络上以明文传输; 请用 --certfile/--keyfile 或 TLS 反向代理 "
                       "(docs/security.md) Warning: plain HTTP on the network: use --certfile/--keyfile "
                       "or a TLS reverse proxy", err=True)
        http.run(server)
    except http.ServerError as error:
        raise click.ClickException(str(error)) from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


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

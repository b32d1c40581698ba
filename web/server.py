"""The HTTP server of `fundtrail serve`: cheroot, the production WSGI server Fava itself runs on.

A fixed pool of `threads` worker threads answers requests (cheroot's `numthreads` = `max`); a
connection accepted while every worker is busy waits in a bounded queue (`QUEUE` connections,
`QUEUE_WAIT` seconds), and the listening socket's backlog is bounded too, so a burst of
requests queues or is refused instead of starting one thread per connection. A connection idle
for `IDLE` seconds is closed.

TLS: `certfile` and `keyfile` (PEM) serve HTTPS directly through cheroot's built-in ssl
adapter; otherwise put the server behind a TLS reverse proxy (docs/security.md). Either way the
login cookie is then `Secure` (fundtrail.web.access).
"""

from __future__ import annotations

import logging
import signal
import ssl
from pathlib import Path

THREADS = 16  # workers: twenty people browsing at once are served (benchmarks/serve_load.py)
QUEUE = 64  # accepted connections waiting for a worker
QUEUE_WAIT = 30  # seconds an accepted connection may wait for a worker
BACKLOG = 64  # connections the kernel holds before they are accepted
IDLE = 30  # seconds before an idle keep-alive connection is closed
NAME = "fundtrail"  # the Server header: no version

log = logging.getLogger("fundtrail.web")


class ServerError(Exception):
    """The server cannot start (Chinese + English message)."""


def make_server(app, host: str, port: int, *, threads: int = THREADS, tls=None):
    """A cheroot server for `app` on host:port (not yet listening: `run` or `.prepare()`);
    `tls` from `tls_adapter`."""
    from cheroot.wsgi import Server

    host = "127.0.0.1" if host == "localhost" else host  # as Fava does: no IPv6 surprise
    server = Server((host, port), app, numthreads=threads, max=threads, server_name=NAME,
                    request_queue_size=BACKLOG, timeout=IDLE, accepted_queue_size=QUEUE,
                    accepted_queue_timeout=QUEUE_WAIT)
    server.ssl_adapter = tls
    return server


def tls_adapter(certfile: str | None, keyfile: str | None):
    """cheroot's built-in ssl adapter, after checking that the pair loads (a clear error
    naming the files at start, not a failure at the first connection)."""
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    if not (certfile and keyfile):
        raise ServerError("--certfile 与 --keyfile 须同时给出 give both --certfile and --keyfile")
    for path in (certfile, keyfile):
        if not Path(path).is_file():
            raise ServerError(f"找不到证书文件 TLS file not found: {path}")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError, ValueError) as error:
        raise ServerError(f"证书或私钥无法读取 cannot load the TLS certificate {certfile} with the key "
                          f"{keyfile}: {error}") from None
    return BuiltinSSLAdapter(certfile, keyfile)


def log_to_stderr() -> None:
    """The server's own lines (a broken users or sessions file, the stop) on stderr, with the
    time."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        # Fava puts a stderr handler on the root logger when it is imported: without this, each
        # of the server's lines would be printed twice
        for other in logging.getLogger().handlers:
            if type(other) is logging.StreamHandler and other.stream is handler.stream:
                other.addFilter(_not_the_servers)


def _not_the_servers(record: logging.LogRecord) -> bool:
    return not record.name.startswith(log.name)


def run(server) -> None:
    """Serve until Ctrl+C or SIGTERM, then stop cleanly (running requests finish)."""
    def stop(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.prepare()
        server.serve()
    except KeyboardInterrupt:
        log.info("stopping")
    except OSError as error:
        raise ServerError(f"无法在 {server.bind_addr} 监听 cannot listen on {server.bind_addr}: "
                          f"{error.strerror or error}") from None
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)

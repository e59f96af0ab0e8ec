"""Run the app under gunicorn on a loopback socket we bind ourselves.

Binding here (and handing gunicorn the descriptor) gives an exclusive bind that
``--port 0`` can use, and the port is known before the first answer. On Linux and
macOS a listening socket without SO_REUSEPORT cannot be shared: another process
binding the same address, or the wildcard address, on that port gets EADDRINUSE.
Windows needs SO_EXCLUSIVEADDRUSE for the same guarantee.
"""

from __future__ import annotations

import errno
import socket

from .gunicorn_worker import GuardedWorker
from .gunicorn_worker import ScrubbedLogger

LOOPBACK = "127.0.0.1"
BACKLOG = 2048
# Open files needed beside the connections: the database, logs, the listener.
SPARE_FILES = 64


class PortInUse(Exception):
    """Another process holds the port."""


def bind_loopback(port: int) -> socket.socket:
    """A listening TCP socket on 127.0.0.1:port (0 = a free port), inheritable."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            # Lets a restart bind while old connections sit in TIME_WAIT; it does
            # not let a second listener in. SO_REUSEPORT would, so it stays off.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(port) from None
        raise
    sock.set_inheritable(True)
    return sock


def ensure_open_files(connections: int) -> int:
    """Raise the soft limit on open files so ``connections`` sockets fit; returns
    the number of connections that fit (less when the hard limit is lower)."""
    try:
        import resource
    except ImportError:  # Windows has no such limit to raise
        return connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return max(1, min(connections, soft - SPARE_FILES))


def gunicorn_options(settings: dict, listener: socket.socket) -> dict:
    connections = ensure_open_files(settings["MAX_CONNECTIONS"])
    worker = type(
        "PostGuardWorker",
        (GuardedWorker,),
        {"request_timeout": float(settings["REQUEST_TIMEOUT"])},
    )
    return {
        "bind": f"fd://{listener.fileno()}",
        # One process: the rate limiter, nonce ledger and paragraph cache live in
        # its memory. gevent: a slow client holds a greenlet, not a thread.
        "workers": 1,
        "worker_class": worker,
        "worker_connections": connections,
        "keepalive": settings["HEADER_TIMEOUT"],  # header read and idle deadline
        "timeout": 30,
        "graceful_timeout": 5,
        "backlog": BACKLOG,
        "forwarded_allow_ips": "",  # trust no X-Forwarded-* header
        "accesslog": None,  # request lines are not needed and could carry data
        "errorlog": "-",
        "logger_class": ScrubbedLogger,
        "loglevel": "warning",
        "proc_name": "postguard",
        "control_socket_disable": True,
    }


def run(app, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    from .app import start_background_tasks

    def post_worker_init(worker) -> None:
        start_background_tasks(app)

    def worker_exit(server, worker) -> None:
        if "postguard_telemetry" in app.extensions:  # keep this worker's counts
            app.extensions["postguard_telemetry"].counter.flush()

    options = {
        **options,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }

    class PostGuardServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorns lack some settings
                    self.cfg.set(key, value)

        def load(self):
            return app

    PostGuardServer().run()

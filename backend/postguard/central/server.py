"""Runs central under gunicorn on a socket bound here (so ``--port 0`` works)."""

from __future__ import annotations

import socket

from ..server import BACKLOG
from ..server import PortInUse


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise PortInUse(port) from None
    sock.set_inheritable(True)
    return sock


def run(make_app, listener: socket.socket, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"fd://{listener.fileno()}",
        "workers": workers,
        # Threads: requests wait on the database, not on the CPU.
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 60,
        "graceful_timeout": 5,
        "forwarded_allow_ips": "",  # a TLS proxy in front sets no trusted headers
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "postguard-central",
        "control_socket_disable": True,
    }

    class CentralServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return make_app()  # in each worker: no database pool crosses a fork

    CentralServer().run()

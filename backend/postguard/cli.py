"""The ``postguard`` console script.

Sub-commands register themselves: ``scan`` and ``rules`` live in ``cli_scan`` and
``cli_rules``; ``keys`` and ``rules sign|verify`` in ``cli_keys``; the service
commands (``serve``, ``token``, ``events``) in ``service_cli``; ``central`` in
``central/cli``. Exit codes are documented in README.md.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import __version__

EXIT_USAGE = 64  # sysexits EX_USAGE
COMMAND_MODULES = ("cli_scan", "cli_rules", "cli_keys", "service_cli", "central.cli")


class UsageParser(argparse.ArgumentParser):
    """argparse with the documented usage exit code: 64, not 2 (which `scan`
    uses for "block")."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = UsageParser(prog="postguard", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--version", action="version", version=f"postguard {__version__}"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports it


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader went away (`postguard scan | head -1`): stop quietly with
        # the shell's SIGPIPE status, and keep Python from reporting the pipe
        # again when it flushes at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())

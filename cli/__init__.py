"""The `fundtrail` command: one click group; every subcommand lives in cli/commands/ (fundtrail.cli.commands).

A subcommand's module is imported when that subcommand runs (or the group's help lists it), not
with the group: `fundtrail check` does not import what `import`, `report` or `serve` need."""

from __future__ import annotations

import atexit
import gc
import importlib

import click

from fundtrail.cli.usage import Group

# name -> (module, attribute) of each subcommand
COMMANDS = {
    "init": ("fundtrail.cli.commands.workspace", "init"),
    "demo": ("fundtrail.cli.commands.workspace", "demo"),
    "import": ("fundtrail.cli.commands.importing", "import_command"),
    "layout": ("fundtrail.cli.commands.layout", "layout"),
    "check": ("fundtrail.cli.commands.check", "check"),
    "gate": ("fundtrail.cli.commands.gate", "gate"),
    "serve": ("fundtrail.cli.commands.serve", "serve"),
    "report": ("fundtrail.cli.commands.report", "report"),
    "export": ("fundtrail.cli.commands.export", "export"),
    "seal": ("fundtrail.cli.commands.seal", "seal"),
    "verify": ("fundtrail.cli.commands.verify", "verify"),
    "history": ("fundtrail.cli.commands.history", "history"),
    "users": ("fundtrail.cli.commands.users", "users"),
    "rollup": ("fundtrail.cli.commands.province", "rollup"),
    "province": ("fundtrail.cli.commands.province", "province"),
}


class _Commands(Group):
    """The group of `COMMANDS`, each imported when asked for."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=_Commands, help="fundtrail: 衔接资金/扶贫资金 复式账簿与审计线索 (double-entry fund ledger on beancount).")
@click.version_option(package_name="fundtrail")
def main():
    pass


# A command's books (hundreds of MB of small objects at 100k) stay alive until the process ends;
# the interpreter's collections at exit would walk every one of them (seconds of CPU) to find
# no cycle worth collecting. Frozen at exit (after every other exit handler has run, as exit
# handlers run last-registered first), they are freed by reference counting alone.
atexit.register(gc.freeze)


if __name__ == "__main__":
    main()

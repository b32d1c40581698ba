"""The `fundtrail` command: one click group; every subcommand lives in cli/commands/ (fundtrail.cli.commands)."""

from __future__ import annotations

import click

from fundtrail.cli.commands.check import check
from fundtrail.cli.commands.export import export
from fundtrail.cli.commands.gate import gate
from fundtrail.cli.commands.history import history
from fundtrail.cli.commands.importing import import_command
from fundtrail.cli.commands.layout import layout
from fundtrail.cli.commands.province import province, rollup
from fundtrail.cli.commands.report import report
from fundtrail.cli.commands.seal import seal
from fundtrail.cli.commands.serve import serve
from fundtrail.cli.commands.users import users
from fundtrail.cli.commands.verify import verify
from fundtrail.cli.commands.workspace import demo, init
from fundtrail.cli.usage import Group


@click.group(cls=Group, help="fundtrail: 衔接资金/扶贫资金 复式账簿与审计线索 (double-entry fund ledger on beancount).")
@click.version_option(package_name="fundtrail")
def main():
    pass


for command in (init, demo, import_command, layout, check, gate, serve, report, export, seal, verify,
                history, users, rollup, province):
    main.add_command(command)


if __name__ == "__main__":
    main()

"""The `fundtrail` command: one click group; every subcommand lives in core/commands/ (fundtrail.commands)."""

from __future__ import annotations

import click

from fundtrail.commands.check import check
from fundtrail.commands.export import export
from fundtrail.commands.history import history
from fundtrail.commands.importing import import_command
from fundtrail.commands.layout import layout
from fundtrail.commands.province import province, rollup
from fundtrail.commands.report import report
from fundtrail.commands.seal import seal
from fundtrail.commands.serve import serve
from fundtrail.commands.users import users
from fundtrail.commands.verify import verify
from fundtrail.commands.workspace import demo, init


@click.group(help="fundtrail: 衔接资金/扶贫资金 复式账簿与审计线索 (double-entry fund ledger on beancount).")
@click.version_option(package_name="fundtrail")
def main():
    pass


for command in (init, demo, import_command, layout, check, serve, report, export, seal, verify,
                history, users, rollup, province):
    main.add_command(command)


if __name__ == "__main__":
    main()

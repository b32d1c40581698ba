"""`fundtrail users add FILE NAME --role auditor`: the users file of `fundtrail serve --users`."""

from __future__ import annotations

from pathlib import Path

import click

from fundtrail.cli.commands.common import OutputPath, cannot_write
from fundtrail.web import users as users_file


@click.group(help="登录用户管理 Manage the users file of `fundtrail serve --users`.")
def users():
    pass


@users.command(help="添加或修改用户 Add a user (or reset their password and role).")
@click.argument("file", type=OutputPath(directory=False))
@click.argument("name")
@click.option("--role", type=click.Choice(sorted(users_file.ROLES)), default="auditor",
              show_default=True, help="accountant 会计 (全部权限) | auditor 审计 (只读+处理疑点)")
@click.password_option("--password", prompt="密码 Password",
                       confirmation_prompt="再次输入 Repeat the password")
def add(file: Path, name: str, role: str, password: str):
    try:
        users_file.add(file, name, role, password)
    except users_file.UsersFileError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise cannot_write(file, error) from None
    click.echo(f"已保存用户 {name} ({users_file.ROLES[role]} {role}) 到 {file}")

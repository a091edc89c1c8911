"""``propertytriage user create|disable``: the clerks who log in to the pages.

The password is read from a prompt (asked twice) or, with ``--password-stdin``, from the first line
of standard input, so it never appears in the shell's history or the process list; only its scrypt
hash is stored (``web/pages/users.py``). Kept apart from ``web/pages`` so that building the command
line imports nothing of FastAPI.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from propertytriage.web.roles import ROLES


def add_user_command(sub: Any) -> None:
    p = sub.add_parser("user", help="users of the pages / 页面用户")
    actions = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="open an account / 开设账号")
    create.add_argument("--name", required=True, help="login name; recorded on every event the user causes")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.add_argument("--db", help="database URL")
    create.set_defaults(web_command=user_create_command)
    disable = actions.add_parser("disable", help="close an account; its sessions end at once / 停用账号")
    disable.add_argument("--name", required=True)
    disable.add_argument("--db", help="database URL")
    disable.set_defaults(web_command=user_disable_command)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass
    import warnings

    try:
        with warnings.catch_warnings():
            # without a terminal getpass would echo the password; refuse instead (below)
            warnings.simplefilter("error", getpass.GetPassWarning)
            first = getpass.getpass("密码 / password: ")
            again = getpass.getpass("再次输入 / again: ")
    except (EOFError, getpass.GetPassWarning):
        print("propertytriage: 没有可输入密码的终端，请用 --password-stdin 从标准输入给出密码 / "
              "no terminal to ask the password on: give it on standard input with --password-stdin",
              file=sys.stderr)
        return None
    if again != first:
        print("propertytriage: 两次输入的密码不一致 / the passwords differ", file=sys.stderr)
        return None
    return first


def _store(url: str | None) -> Any:
    from propertytriage.ledger import Ledger
    from propertytriage.web.pages.users import UserStore

    return UserStore(Ledger(url).engine)


def user_create_command(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 2
    user = _store(args.db).create(args.name, args.role, password)  # InputError → exit 2 with the message
    print(f"已开设账号「{user.name}」（角色 {user.role}） / user {user.name!r} created (role {user.role})",
          file=sys.stderr)
    return 0


def user_disable_command(args: argparse.Namespace) -> int:
    if not _store(args.db).disable(args.name):
        print(f"propertytriage: 没有名为「{args.name}」的有效账号 / no active user named {args.name!r}",
              file=sys.stderr)
        return 2
    print(f"已停用账号「{args.name}」 / user {args.name!r} disabled", file=sys.stderr)
    return 0

"""Staff accounts of the console from the command line:
``python -m bot.staff_accounts COMMAND``.

  create USERNAME --name 显示名 --role editor|reviewer|admin
  reset-password USERNAME   set a new password; ends the user's sessions, lifts a lockout
  disable USERNAME          the user can no longer sign in; ends their sessions
  enable USERNAME           the user can sign in again (a lockout is lifted too)
  list                      every account: role, enabled or not, locked or not

Passwords are never taken from the command line (shell history, `ps`): they are asked
for twice without echo, or, when standard input is not a terminal (scripts), read from
its first line. The database is LIBRARY_DATABASE_URL unless --database-url is given.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot import wiring
from bot.services.faq_model import ROLES, FaqError
from bot.services.interface import ServiceUnavailableError
from bot.services.passwords import password_problem
from bot.services.sql.staff import SqlStaff
from bot.settings import load_settings

MAX_NAME_CHARS = 60


def read_new_password(username: str) -> str:
    """The new password from the terminal (typed twice) or from standard input."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"{username} 的新密码：")
        if getpass.getpass("再输入一次：") != password:
            sys.exit("两次输入的密码不一致，未做任何修改。")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if problem := password_problem(password, username):
        sys.exit(f"{problem}未做任何修改。")
    return password


def _check_name(label: str, value: str) -> None:
    if not value.strip() or len(value) > MAX_NAME_CHARS:
        sys.exit(f"{label}不能为空，且不能超过 {MAX_NAME_CHARS} 个字符。")
    if label == "用户名" and any(char.isspace() for char in value):
        sys.exit("用户名不能包含空格。")


def run(staff: SqlStaff, args: argparse.Namespace) -> str:
    """Carries out one command; returns what to tell the user."""
    if args.command == "list":
        lines = []
        for account in staff.accounts():
            state = "启用" if account.active else "已停用"
            if account.locked_until:
                state += f"，锁定至 {account.locked_until:%Y-%m-%d %H:%M}"
            lines.append("  ".join((account.username, account.display_name, account.role,
                                    state)))
        return "\n".join(lines) or "还没有馆员账号。"
    # Checked before the password is asked for (create_user and set_password check too).
    exists = any(account.username == args.username for account in staff.accounts())
    if args.command == "create":
        _check_name("用户名", args.username)
        _check_name("显示名", args.name)
        if exists:
            raise FaqError(f"用户名已存在：{args.username}")
        staff.create_user(args.username, args.name.strip(), args.role,
                          read_new_password(args.username))
        return f"已创建账号 {args.username}（{args.role}）。"
    if args.command == "reset-password":
        if not exists:
            raise FaqError(f"没有这个用户：{args.username}")
        staff.set_password(args.username, read_new_password(args.username))
        return f"已为 {args.username} 设置新密码；该用户的所有登录会话已结束，锁定已解除。"
    staff.set_active(args.username, args.command == "enable")
    if args.command == "enable":
        return f"已启用账号 {args.username}。"
    return f"已停用账号 {args.username}；该用户的所有登录会话已结束。"


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="python -m bot.staff_accounts", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="default: LIBRARY_DATABASE_URL")
    commands = main_parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", parents=[common], help="create an account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="显示名 (shown to colleagues)")
    create.add_argument("--role", required=True, choices=ROLES)
    for name, text in (("reset-password", "set a new password"),
                       ("disable", "disable an account"), ("enable", "enable an account")):
        commands.add_parser(name, parents=[common], help=text).add_argument("username")
    commands.add_parser("list", parents=[common], help="list the accounts")
    return main_parser


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = load_settings()
    if args.database_url:
        settings = settings.with_database(args.database_url)
    staff = wiring.staff_accounts(settings)
    try:
        print(run(staff, args))
    except FaqError as error:
        sys.exit(str(error))
    except ServiceUnavailableError as error:
        sys.exit(f"数据库不可用或尚未初始化（可先运行 python -m bot.db.migrate）：{error}")


if __name__ == "__main__":
    main()

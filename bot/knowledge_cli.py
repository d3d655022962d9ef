"""FAQ knowledge from the command line: ``python -m bot.knowledge_cli COMMAND``.

  setup                 load knowledge/faq/ into an empty database (published); in demo
                        mode (LIBRARY_DEMO_MODE) create the demo staff accounts if there
                        are none, otherwise say how to create the first one
  import FILE --user U  import a .yml/.xlsx file as drafts in review, by staff user U
  export FILE           write the published entries to a .yml/.xlsx file

The database is LIBRARY_DATABASE_URL (default: the embedded SQLite file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot import wiring
from bot.db.engine import session_factory
from bot.db.models import StaffUser
from bot.services.faq_files import read_rows, write_rows
from bot.services.faq_model import StaffRef
from bot.settings import PROJECT_ROOT, load_settings

FAQ_DIR = PROJECT_ROOT / "knowledge" / "faq"
# Demo accounts (README.md), created only in demo mode (LIBRARY_DEMO_MODE).
DEMO_STAFF = [
    ("editor", "编辑小王", "editor", "editor123"),
    ("reviewer", "审核员老李", "reviewer", "reviewer123"),
    ("admin", "管理员", "admin", "admin123"),
]


def knowledge_files() -> list[Path]:
    return sorted(p for p in FAQ_DIR.glob("*.yml") if p.name != "synonyms.yml")


def setup(url: str, demo_mode: bool | None = None) -> None:
    """demo_mode None: as LIBRARY_DEMO_MODE says."""
    settings = load_settings().with_database(url)
    knowledge = wiring.knowledge_admin(settings)
    if knowledge.is_empty():
        rows = [row for path in knowledge_files() for row in read_rows(path.read_bytes(), "yml")]
        report = knowledge.import_rows(rows, user=None, publish=True)
        if report.errors:
            sys.exit("knowledge/faq/ has errors:\n" + "\n".join(report.errors))
        print(f"Loaded {report.imported} FAQ entries.", file=sys.stderr)
    with session_factory(url).begin() as session:
        has_staff = session.execute(select(func.count(StaffUser.id))).scalar_one()
    if has_staff:
        return
    if not (settings.demo_mode if demo_mode is None else demo_mode):
        print("还没有馆员账号。请创建第一个管理员账号：python -m bot.staff_accounts create "
              "用户名 --name 显示名 --role admin", file=sys.stderr)
        return
    staff = wiring.staff_accounts(settings)
    for username, name, role, password in DEMO_STAFF:
        staff.create_user(username, name, role, password)
    print("演示模式：已创建演示馆员账号 admin/editor/reviewer（见 README），上线前请用 "
          "python -m bot.staff_accounts 修改或停用", file=sys.stderr)


def staff_user(url: str, username: str) -> StaffRef:
    with session_factory(url).begin() as session:
        user = session.execute(
            select(StaffUser).where(StaffUser.username == username)
        ).scalar_one_or_none()
        if user is None:
            sys.exit(f"No staff user {username!r}")
        return StaffRef(user.id, user.username, user.display_name, user.role)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["setup", "import", "export"])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--user", help="staff user who imports (drafts go to review)")
    parser.add_argument("--database-url", default=load_settings().database_url)
    args = parser.parse_args()
    url = args.database_url
    if args.command == "setup":
        setup(url)
        return
    if args.file is None:
        parser.error("FILE is required")
    kind = args.file.suffix.lstrip(".").lower()
    knowledge = wiring.knowledge_admin(load_settings().with_database(url))
    if args.command == "export":
        args.file.write_bytes(write_rows(knowledge.export_rows(), kind))
        print(f"Exported to {args.file}", file=sys.stderr)
        return
    if not args.user:
        parser.error("import needs --user (imported entries go to review)")
    report = knowledge.import_rows(read_rows(args.file.read_bytes(), kind),
                                   user=staff_user(url, args.user), publish=False)
    if report.errors:
        sys.exit("Nothing imported:\n" + "\n".join(report.errors))
    print(f"Imported {report.imported} entries for review.", file=sys.stderr)


if __name__ == "__main__":
    main()

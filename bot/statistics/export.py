"""The report as an Excel workbook (评估汇总 first, then 按主题, 按日 …) or a CSV file,
and the command line behind `make stats-report`:

    python -m bot.statistics.export --from 2026-01-01 --to 2026-10-27 --out report.xlsx
    (--out report.csv [--sheet summary|days|topics|unanswered]; --database URL)

A file is written next to its destination under a hidden name and renamed into place
when complete, so a failed or interrupted export leaves nothing half-written; a second
export to the same file while one is running is refused (the temporary file is locked).
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot import clock, wiring
from bot.services.interface import ServiceUnavailableError
from bot.services.sql.session import SqlStore
from bot.settings import load_settings
from bot.statistics.period import PeriodError, checked, parse_day
from bot.statistics.report import Report, consultation_report
from bot.statistics.tables import (
    CSV_TABLES,
    DECIMAL,
    SHARE,
    Table,
    all_tables,
    summary,
)

FORMATS = {SHARE: "0.0%", DECIMAL: "0.00"}
TITLE = "金陵图书馆 参考咨询与网上咨询统计"


class ExportError(Exception):
    """An export that cannot be made; the message says why."""


#: how a spreadsheet cell that Excel would run as a formula starts (readers' own words
#: are in the unanswered-questions table)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A text that spreadsheets take as text, never as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _sheet(workbook: Workbook, table: Table, first: bool) -> None:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = table.name
    sheet.append(table.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([inert(value) for value in row])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(table.header, start=1):
        width = max([len(str(name)), *(len(str(row[index - 1])) for row in table.rows[:400])])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, 2 + width * 1.6)


def workbook_bytes(report: Report) -> bytes:
    workbook = Workbook()
    tables = all_tables(report)
    first = Table(tables[0].name, tables[0].header,
                  [[f.name, f.value, f.note] for f in summary(report)])
    _sheet(workbook, first, first=True)
    for row, figure in enumerate(summary(report), start=2):
        workbook.active.cell(row, 2).number_format = FORMATS.get(figure.kind, "General")
    workbook.active.append([])
    workbook.active.append([f"{TITLE}（{report.period.label}），"
                            f"生成于 {clock.now():%Y-%m-%d %H:%M}；各项定义见 docs/statistics.md"])
    for table in tables[1:]:
        _sheet(workbook, table, first=False)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(report: Report, sheet: str = "summary") -> bytes:
    if sheet not in CSV_TABLES:
        raise ExportError(f"没有名为“{sheet[:20]}”的表：可选 {'、'.join(CSV_TABLES)}。")
    table = CSV_TABLES[sheet](report)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(table.header)
    writer.writerows([["" if value is None else inert(value) for value in row]
                      for row in table.rows])
    return output.getvalue().encode("utf-8-sig")  # with a BOM: Excel reads it as UTF-8


@contextmanager
def exclusive_file(path: Path) -> Iterator[BinaryIO]:
    """A locked temporary file next to path, renamed to path when the block ends
    without error and removed when it fails."""
    if not path.parent.is_dir():
        raise ExportError(f"目录 {path.parent} 不存在。")
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "ab") as handle:  # "a": never truncates another export's file
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportError(f"另一个导出正在写入 {path}，请等它完成后再试。") from None
        try:
            handle.truncate(0)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise


def export(store: SqlStore, start: str, end: str, out: str, sheet: str = "summary") -> Report:
    """Writes the report of start..end (dates as typed) to out (.xlsx or .csv)."""
    path = Path(out)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ExportError(f"输出文件“{out}”须以 .xlsx 或 .csv 结尾。")
    today = clock.today()
    period = checked(parse_day(start, "开始日期 FROM"), parse_day(end, "结束日期 TO"), today)
    with exclusive_file(path) as handle:
        report = consultation_report(store, period, today)
        handle.write(workbook_bytes(report) if path.suffix.lower() == ".xlsx"
                     else csv_bytes(report, sheet))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="咨询统计报表（Excel 或 CSV）")
    parser.add_argument("--from", dest="start", default="")
    parser.add_argument("--to", dest="end", default="")
    parser.add_argument("--out", default="")
    parser.add_argument("--sheet", default="summary", help="CSV: " + "|".join(CSV_TABLES))
    parser.add_argument("--database", default="")
    args = parser.parse_args(argv)
    if not args.out:
        print("请指定输出文件：make stats-report FROM=2026-01-01 TO=2026-10-27 OUT=报表.xlsx",
              file=sys.stderr)
        return 2
    settings = load_settings()
    store = wiring.statistics_store(settings.with_database(args.database or
                                                           settings.database_url))
    try:
        report = export(store, args.start, args.end, args.out, args.sheet)
    except (PeriodError, ExportError) as error:
        print(error, file=sys.stderr)
        return 2
    except ServiceUnavailableError as error:
        print(f"数据库不可用（{error}）。", file=sys.stderr)
        return 1
    note = "（该时段没有咨询记录，各项为 0）" if report.empty else ""
    print(f"已写入 {args.out}：{report.period.label}，咨询总量 {report.questions:,} 次{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

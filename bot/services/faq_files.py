"""FAQ rows to and from YAML and Excel (the CLI and the admin console share these)."""

from __future__ import annotations

import io
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook

COLUMNS = ["id", "question", "paraphrases", "answer", "category", "link", "placeholder", "source"]


class FaqFileError(ValueError):
    """The file cannot be read at all (not YAML/Excel, wrong columns)."""


def read_rows(data: bytes, kind: str) -> list[dict[str, Any]]:
    """Rows of a .yml/.yaml or .xlsx file's bytes."""
    if kind in ("yml", "yaml"):
        try:
            rows = yaml.safe_load(data.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise FaqFileError(f"不是有效的 YAML 文件：{error}") from error
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise FaqFileError("YAML 文件应是条目列表")
        return rows
    if kind == "xlsx":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True).active
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise FaqFileError(f"不是有效的 Excel 文件：{error}") from error
        lines = list(sheet.iter_rows(values_only=True))
        if not lines or [str(c or "").strip() for c in lines[0]][:len(COLUMNS)] != COLUMNS:
            raise FaqFileError(f"Excel 第一行应为列名：{', '.join(COLUMNS)}")
        rows = []
        for line in lines[1:]:
            row = dict(zip(COLUMNS, line, strict=False))
            if not any(row.values()):
                continue
            row["paraphrases"] = [p for p in str(row.get("paraphrases") or "").splitlines() if p]
            row["placeholder"] = str(row.get("placeholder") or "").lower() in ("1", "true", "是")
            rows.append(row)
        return rows
    raise FaqFileError("只支持 .yml、.yaml 和 .xlsx 文件")


def write_rows(rows: list[dict[str, Any]], kind: str) -> bytes:
    if kind in ("yml", "yaml"):
        return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False).encode("utf-8")
    if kind == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([
                "\n".join(row[c]) if c == "paraphrases" else row.get(c, "") for c in COLUMNS
            ])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise FaqFileError("只支持 .yml、.yaml 和 .xlsx 文件")

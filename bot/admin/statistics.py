"""The 统计 page: a period picker, the key figures, charts (Apache ECharts, served by
the console itself: bot/admin/static/statistics.js draws them from the page's JSON) and
downloads of the report as Excel or CSV. Definitions: docs/statistics.md."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from bot import clock
from bot.admin.guard import STATIC_FILES
from bot.admin.views import message, render
from bot.statistics.export import ExportError, csv_bytes, workbook_bytes
from bot.statistics.period import KINDS, Period, PeriodError, checked, parse_day, period_from
from bot.statistics.report import FAQ_GROUP, RESULT_LABELS, Report, consultation_report
from bot.statistics.tables import EVALUATION_CHANNELS, WEEKDAY_NAMES, summary
from bot.statistics.tickets import WAIT_LABELS

bp = Blueprint("statistics")
TOP_TOPICS = 12
TOP_FAQ = 10
KEY_FIGURES = ("咨询总量（次）", "解答率", "助手平均响应时间（秒）",
               "人工平均等待接单时间（分钟）", "人工服务满意度（平均分，5 分制）",
               "助手答案有帮助比例")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUSY_TEXT = "你已有一份统计报表正在生成，请等它下载完成后再试。"


@bp.listener("before_server_start")
async def exports_in_progress(app: Any, _loop: Any) -> None:
    app.ctx.statistics_exports = set()  # staff members whose export is being made


def chart_data(report: Report) -> dict[str, Any]:
    """What statistics.js draws."""
    groups: Counter[str] = Counter()
    for topic in report.topics:
        groups[topic.group] += topic.questions
    faq = [t for t in report.topics if t.group == FAQ_GROUP][:TOP_FAQ]
    results = report.results
    tickets = report.tickets
    return {
        "days": [day.day.isoformat() for day in report.days],
        "channels": [{"name": name, "values": [day.by_channel[name] for day in report.days]}
                     for name in EVALUATION_CHANNELS],
        "results": [{"name": label, "value": results[key]}
                    for key, label in RESULT_LABELS.items() if results[key]],
        "topics": [{"name": name, "value": count}
                   for name, count in groups.most_common(TOP_TOPICS) if count],
        "faq": [{"name": t.label, "value": t.questions} for t in faq],
        "waits": {"labels": WAIT_LABELS, "values": [tickets.waits[w] for w in WAIT_LABELS]},
        "ratings": {"labels": [f"{score} 分" for score in range(1, 6)],
                    "values": [tickets.ratings[score] for score in range(1, 6)]},
        "helpful": [{"name": "有帮助", "value": sum(t.rated_up for t in report.topics)},
                    {"name": "没帮助", "value": sum(t.rated_down for t in report.topics)}],
        "busy": {"weekdays": WEEKDAY_NAMES, "max": max(max(row) for row in report.busy),
                 "cells": [[hour, day, report.busy[day][hour]]
                           for day in range(7) for hour in range(24)]},
    }


def _form(request: Request) -> dict[str, str]:
    args = request.args
    return {name: (args.get(name) or "").strip()[:20] for name in ("period", "date", "from", "to")}


def _period(form: dict[str, str]) -> Period:
    return period_from(form["period"] or None, form["date"] or None, form["from"],
                       form["to"], clock.today())


@bp.get("/statistics")
async def statistics_page(request: Request) -> HTTPResponse:
    form = _form(request)
    form["period"] = form["period"] if form["period"] in KINDS else "month"
    context: dict[str, Any] = {"form": form, "kinds": KINDS, "report": None,
                               "charts_missing": "echarts.min.js" not in STATIC_FILES}
    try:
        period = _period(form)
    except PeriodError as error:
        return render(request, "statistics.html", 400, error=str(error), **context)
    report = await asyncio.to_thread(consultation_report, request.app.ctx.statistics, period,
                                     clock.today())
    figures = {figure.name: figure for figure in summary(report)}
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return render(request, "statistics.html", **{
        **context, "report": report, "charts": chart_data(report), "query": query,
        "key_figures": [figures[name] for name in KEY_FIGURES],
        "figures": list(figures.values())})


@bp.get("/statistics/export.xlsx")
async def export_workbook(request: Request) -> HTTPResponse:
    return await statistics_export(request, "xlsx")


@bp.get("/statistics/export.csv")
async def export_csv(request: Request) -> HTTPResponse:
    return await statistics_export(request, "csv")


async def statistics_export(request: Request, kind: str) -> HTTPResponse:
    """The report of ?from=…&to=… as a download (one at a time per staff member)."""
    busy: set[int] = request.app.ctx.statistics_exports
    user_id = request.ctx.user.user_id
    if user_id in busy:
        return message(request, BUSY_TEXT, 429)
    busy.add(user_id)
    try:
        today = clock.today()
        period = checked(parse_day(request.args.get("from"), "开始日期"),
                         parse_day(request.args.get("to"), "结束日期"), today)
        sheet = request.args.get("sheet") or "summary"
        body = await asyncio.to_thread(_export, request.app.ctx.statistics, period, kind,
                                       sheet)
    except (PeriodError, ExportError) as error:
        return message(request, str(error), 400)
    finally:
        busy.discard(user_id)
    name = f"consultation-statistics-{period.start}_{period.end}"
    if kind == "csv":
        name += f"-{sheet}"
    return raw(body, content_type=XLSX if kind == "xlsx" else "text/csv; charset=utf-8",
               headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


def _export(store: Any, period: Period, kind: str, sheet: str) -> bytes:
    report = consultation_report(store, period, clock.today())
    return workbook_bytes(report) if kind == "xlsx" else csv_bytes(report, sheet)

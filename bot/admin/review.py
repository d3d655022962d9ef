"""Review queue (draft next to the published version; approve / reject) and audit log,
as bot/admin/workflow_views.py has them."""

from __future__ import annotations

from sanic import Blueprint

from bot.admin.entries import FAQ
from bot.admin.workflow_views import add_review_routes

bp = Blueprint("review")
add_review_routes(bp, FAQ, "/audit")

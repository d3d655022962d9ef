"""The web widget in a real browser: how soon the demo page paints and the widget's
button can be used, and how long a reader waits from sending a message until the
assistant's reply is on screen."""

from __future__ import annotations

import statistics

from playwright.sync_api import Browser, Page

from bench.stats import percentile
from bot.chat_page import demo_page_served
from bot.settings import Settings

PAGE_LOADS = 5
REPLIES = 20
# What readers type (no handoff or password prompts, which change the conversation).
MESSAGES = ["开放时间", "三体", "金陵图书馆在哪里", "怎么办读者证", "明天开门吗", "余华的书",
            "谢谢", "春节开放吗", "有没有活着", "最近有什么活动"]
VIEWPORT = {"width": 1280, "height": 800}

LAUNCHER_VISIBLE = """() => {
  const button = document.getElementById('jl-widget-button');
  return button !== null && button.getBoundingClientRect().width > 0
    && getComputedStyle(button.parentElement).visibility === 'visible';
}"""
# Paint entries are recorded a little after the paint itself.
FIRST_CONTENTFUL_PAINT = """() =>
  performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)[0]"""
# Sends one message from the page and resolves with the milliseconds until the reply is
# rendered (the typing indicator hides once every reply of the turn is on screen).
TIMED_REPLY = """(text) => new Promise((resolve) => {
  const typing = document.querySelector('#jl-widget .jl-typing');
  const input = document.getElementById('jl-widget-input');
  const before = document.querySelectorAll('#jl-widget .jl-msg-bot').length;
  const started = performance.now();
  const observer = new MutationObserver(() => {
    if (typing.hidden && document.querySelectorAll('#jl-widget .jl-msg-bot').length > before) {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));
    }
  });
  observer.observe(document.getElementById('jl-widget'),
                   {subtree: true, childList: true, attributes: true});
  input.value = text;
  input.form.requestSubmit();
})"""


def page_load(browser: Browser, url: str) -> tuple[float, float]:
    """First contentful paint and launcher-visible times (ms) of one cold page load."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(LAUNCHER_VISIBLE, polling="raf")
        visible = page.evaluate("performance.now()")
        return page.wait_for_function(FIRST_CONTENTFUL_PAINT).json_value(), visible
    finally:
        context.close()


def reply_latencies(page: Page, count: int) -> list[float]:
    page.click("#jl-widget-button")
    page.wait_for_selector("#jl-widget .jl-msg-bot")  # the welcome
    page.wait_for_selector("#jl-widget .jl-typing", state="hidden")
    return [page.evaluate(TIMED_REPLY, MESSAGES[turn % len(MESSAGES)]) for turn in range(count)]


def measure_widget(settings: Settings, browser: Browser) -> dict:
    """Measures the widget on the demo page, served here on settings.chat_port; the
    assistant must already run with these settings (and accept the page's origin)."""
    if settings.chat_origin not in settings.widget_origins:
        raise ValueError(f"the widget does not accept {settings.chat_origin}: "
                         "add it to widget_origins (WIDGET_ALLOWED_ORIGINS)")
    with demo_page_served(settings):
        loads = [page_load(browser, settings.chat_url) for _ in range(PAGE_LOADS)]
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            page.goto(settings.chat_url)
            latencies = reply_latencies(page, REPLIES)
        finally:
            context.close()
    return {
        "page_loads": PAGE_LOADS,
        "first_contentful_paint_ms": round(statistics.median(fcp for fcp, _ in loads), 1),
        "launcher_visible_ms": round(statistics.median(visible for _, visible in loads), 1),
        "replies": len(latencies),
        "reply_p50_ms": round(percentile(latencies, 0.5), 1),
        "reply_p95_ms": round(percentile(latencies, 0.95), 1),
    }

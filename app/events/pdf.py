"""The printable plan (策划书): one A4 PDF rendered by WeasyPrint from a Jinja template."""
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.budget import services as budgets
from app.budget.labels import CATEGORY_LABELS, REVISION_STATE_LABELS
from app.core import clock
from app.events import plans as planning
from app.events import roles
from app.events.gantt import gantt_chart
from app.events.labels import PLAN_LABELS

# The footer, as CSS `content` (WeasyPrint fills in the counters).
PAGE_NUMBERS = {
    "zh": Markup('"第 " counter(page) " 页 / 共 " counter(pages) " 页"'),
    "en": Markup('"Page " counter(page) " of " counter(pages)'),
}


class DataOnlyFetcher(URLFetcher):
    """Lets the document load `data:` URIs only: no files, no network (the CSS is inline)."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)


def _gantt_css():
    """The Gantt partial's stylesheet, inlined as (svg rules, html rules): the document may not
    load files, and WeasyPrint styles an inline <svg> only from a <style> inside it."""
    lines = (Path(current_app.static_folder) / "css" / "gantt.css").read_text(encoding="utf-8").splitlines()
    svg_rules = "\n".join(line for line in lines if line.startswith(".gantt ."))
    return {"svg_end": Markup(f"<style>{svg_rules}</style></svg>"),
            "html": Markup("\n".join(line for line in lines if line.startswith(".gantt-key")))}


def render_plan_pdf(plan, locale):
    """The plan as PDF bytes, in `locale` ("zh" or "en"); `plan` as loaded by `plans.get_plan`.
    The budget is the plan's current revision, or the event type's proposal before there is one."""
    gantt_css = _gantt_css()
    language = "zh" if locale.startswith("zh") else "en"
    today = clock.today()
    revision = budgets.current_revision(plan)
    with force_locale(locale):
        html = render_template(
            "events/plan_pdf.html", plan=plan, windows=planning.phase_windows(plan.event_day),
            team=roles.assignments_by_role(plan), gantt=gantt_chart(plan, today), gantt_css=gantt_css,
            revision=revision, budget_check=budgets.check(revision),
            page_numbers=PAGE_NUMBERS[language], lang="zh-CN" if language == "zh" else "en", today=today,
            **{**PLAN_LABELS, "category_labels": CATEGORY_LABELS, "revision_state_labels": REVISION_STATE_LABELS},
        )
        return HTML(string=html, url_fetcher=DataOnlyFetcher()).write_pdf()

"""What changed since the last approval (app/budget/snapshot.py), as sentences in the reader's
language for the approval panel: one list per section, rows that went, came and changed."""
from datetime import date, time
from decimal import Decimal

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from app.budget.labels import CATEGORY_LABELS, SECTION_LABELS
from app.core.formatting import listing, money
from app.customers.labels import TIER_LABELS
from app.events.labels import CHANNEL_LABELS, FIELD_LABELS, METRIC_LABELS, PHASE_LABELS, ROLE_LABELS

TEXT_SHOWN = 160  # characters of a long text shown before and after
LABELLED = {"tiers": TIER_LABELS, "channels": CHANNEL_LABELS}


def _day(value):
    return format_date(date.fromisoformat(value)) if value else "—"


def field_value(name, value):
    """A plan field's value as the plan page shows it."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in LABELLED:
        return listing(LABELLED[name].get(item, item) for item in value)
    if isinstance(value, list):
        return listing(value)
    if name == "event_day":
        return _day(value)
    if name == "start_time":
        return time.fromisoformat(value).strftime("%H:%M")
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


def _figure(metric, value):
    return money(Decimal(value)) if metric == "revenue" else str(Decimal(value).normalize())


def goal_text(row):
    text, metric, baseline, target, deadline = row
    if metric is None:
        return text
    words = _("%(metric)s: target %(target)s by %(deadline)s", metric=METRIC_LABELS.get(metric, metric),
              target=_figure(metric, target), deadline=_day(deadline))
    if baseline is not None:
        words += " " + _("(baseline %(baseline)s)", baseline=_figure(metric, baseline))
    return f"{text} · {words}" if text else words


def team_text(row):
    role, name = row
    return f"{ROLE_LABELS.get(role, role)}: {name}"


def task_text(row):
    phase, title_zh, title_en, role, due_on = row
    title = title_zh if str(get_locale()) == "zh" or not title_en else title_en
    return _("%(task)s (%(phase)s, %(role)s), due %(day)s", task=title, phase=PHASE_LABELS.get(phase, phase),
             role=ROLE_LABELS.get(role, role), day=_day(due_on))


def _figures(row):
    _category, _description, quantity, unit, unit_price, amount = row
    return f"{Decimal(quantity).normalize():f} {unit} × {money(Decimal(unit_price))} = {money(Decimal(amount))}"


def line_text(row):
    return f"{CATEGORY_LABELS.get(row[0], row[0])} · {row[1]}: {_figures(row)}"


def goal_change(before, after):
    return f"{goal_text(before)} → {goal_text(after)}"


def task_change(before, after):
    phase, title_zh, title_en, role, _due_on = after
    title = title_zh if str(get_locale()) == "zh" or not title_en else title_en
    return _("%(task)s (%(phase)s, %(role)s): due %(before)s → %(after)s", task=title,
             phase=PHASE_LABELS.get(phase, phase), role=ROLE_LABELS.get(role, role), before=_day(before[4]),
             after=_day(after[4]))


def line_change(before, after):
    return f"{CATEGORY_LABELS.get(after[0], after[0])} · {after[1]}: {_figures(before)} → {_figures(after)}"


ROW_TEXT = {"goals": goal_text, "team": team_text, "timeline": task_text, "budget": line_text}
CHANGE_TEXT = {"goals": goal_change, "timeline": task_change, "budget": line_change}


def describe(changes):
    """{"fields": [(label, before, after)], "sections": [(label, removed texts, added texts,
    changed texts)], "total": (before, after) or None} for templates/budget/_changes.html."""
    return {
        "fields": [(FIELD_LABELS.get(name, name), field_value(name, before), field_value(name, after))
                   for name, before, after in changes.fields],
        "sections": [(SECTION_LABELS[section], [ROW_TEXT[section](row) for row in removed],
                      [ROW_TEXT[section](row) for row in added],
                      [CHANGE_TEXT[section](old, new) for old, new in changed])
                     for section, (removed, added, changed) in changes.sections.items() if removed or added or changed],
        "total": tuple(money(Decimal(value)) for value in changes.total) if changes.total else None,
    }

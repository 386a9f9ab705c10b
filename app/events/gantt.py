"""The geometry of the plan page's Gantt chart (rendered as inline SVG by
templates/events/_gantt.html): one row per phase over its window, then one row
per task of that phase, a diamond on its due date."""
from dataclasses import dataclass
from datetime import date, timedelta
from unicodedata import east_asian_width

from app.events.models import Phase
from app.events.plan_models import TaskStatus
from app.events.plans import phase_windows

WIDTH = 900
LABEL_WIDTH = 150  # task titles truncated to LABEL_CHARS fit here
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_RIGHT = WIDTH - 12
TOP = 40  # week tick dates, then the T and today labels
ROW_HEIGHT = 22
BOTTOM = 8
LABEL_CHARS = 18  # columns: 18 Latin letters or 9 Chinese characters


@dataclass(frozen=True)
class Row:
    kind: str  # "phase" or "task"
    phase: str
    y: float  # top of the row
    x1: float  # phase: start of the window; task: centre of the due day
    x2: float  # phase: end of the window; task: same as x1
    first: date  # phase window, or the task's due date twice
    last: date
    label: str = ""  # tasks: the title, shortened to LABEL_CHARS
    title: str = ""  # tasks: the full title, for the tooltip
    state: str = ""  # tasks: "done", "overdue" or "open"

    @property
    def middle(self):
        return self.y + ROW_HEIGHT / 2


@dataclass(frozen=True)
class Gantt:
    width: int
    height: int
    plot_left: int
    plot_right: int
    top: int
    bottom: int  # bottom of the last row
    ticks: list  # [(x, date)] one per Monday in range
    event_x: float
    today_x: float | None  # None when today is outside the chart
    rows: list


def _columns(char):
    return 2 if east_asian_width(char) in "WF" else 1


def shorten(text, limit=LABEL_CHARS):
    """`text` cut to `limit` columns with an ellipsis; a Chinese character takes two."""
    if sum(map(_columns, text)) <= limit:
        return text
    used, kept = 1, []  # one column for the ellipsis
    for char in text:
        used += _columns(char)
        if used > limit:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _task_state(task, today):
    if task.status == TaskStatus.DONE:
        return "done"
    return "overdue" if task.due_on < today else "open"


def gantt_chart(plan, today):
    """The chart's geometry for `plan` (its tasks already loaded) as of `today`."""
    windows = phase_windows(plan.event_day)
    due_dates = [task.due_on for task in plan.tasks]
    start = min([first for first, _ in windows.values()] + due_dates)
    end = max([last for _, last in windows.values()] + due_dates)
    day_width = (PLOT_RIGHT - PLOT_LEFT) / ((end - start).days + 1)

    def left(day):
        return PLOT_LEFT + (day - start).days * day_width

    def centre(day):
        return left(day) + day_width / 2

    rows = []
    for phase in Phase:
        first, last = windows[phase]
        y = TOP + len(rows) * ROW_HEIGHT
        rows.append(Row("phase", phase.value, y, left(first), left(last + timedelta(days=1)), first, last))
        for task in plan.tasks:
            if task.phase != phase:
                continue
            title = task.title
            x = centre(task.due_on)
            rows.append(Row("task", phase.value, TOP + len(rows) * ROW_HEIGHT, x, x, task.due_on, task.due_on,
                            shorten(title), title, _task_state(task, today)))
    bottom = TOP + len(rows) * ROW_HEIGHT
    monday = start + timedelta(days=-start.weekday() % 7)
    ticks = [(left(day), day) for day in _every_week(monday, end)]
    return Gantt(
        width=WIDTH, height=bottom + BOTTOM, plot_left=PLOT_LEFT, plot_right=PLOT_RIGHT, top=TOP, bottom=bottom,
        ticks=ticks, event_x=centre(plan.event_day), today_x=centre(today) if start <= today <= end else None,
        rows=rows,
    )


def _every_week(day, end):
    while day <= end:
        yield day
        day += timedelta(days=7)

"""The events' pages: importing the view modules adds their routes to `bp`."""
from app.events.web.blueprint import bp  # noqa: F401
from app.events.web import types  # noqa: F401,I001  (the view modules add their routes to `bp`)
from app.events.web import calendar, copy, pdf, plans, roles  # noqa: F401
from app.events.web import activity_log, states  # noqa: F401
from app.events.web import goals, plan_edit  # noqa: F401

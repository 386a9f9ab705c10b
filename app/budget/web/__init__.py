from app.budget.web.blueprint import bp  # noqa: F401
from app.budget.web import lines, actuals, history, exports, approvals  # noqa: F401,E402,I001  (register the routes)

"""Customer pages: the list and customer page, the tiers, the imports."""
from app.customers.web.blueprint import bp  # noqa: F401
from app.customers.web import customers, imports, tiers  # noqa: F401, E402

"""Customer pages. The blueprint's routes are split by subject across modules;
importing this module registers all of them."""
from app.customers.blueprint import bp  # noqa: F401
from app.customers import list_views, tier_views  # noqa: F401
from app.customers import import_views  # noqa: F401

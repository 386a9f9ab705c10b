"""Customer pages. The blueprint's routes are split by subject across modules;
importing this module registers all of them."""
from app.customers import (  # noqa: F401
    import_views,  # noqa: F401
    list_views,
    tier_views,
)
from app.customers.blueprint import bp  # noqa: F401

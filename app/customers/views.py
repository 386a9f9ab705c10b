"""Customer pages. The blueprint's routes are split by subject across modules;
importing this module registers all of them."""
from app.customers.blueprint import bp  # noqa: F401

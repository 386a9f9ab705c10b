"""JSON API for event plans: read plans with their phases and tasks, and create a
plan from an event type and a date (the type's default tasks become its timeline)."""
from app.events.api.blueprint import bp  # noqa: F401
from app.events.api import plans  # noqa: F401,I001  (adds the routes to `bp`)
from app.events.api.openapi import OPENAPI  # noqa: F401

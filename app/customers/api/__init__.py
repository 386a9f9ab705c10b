"""JSON API for CRM/ERP systems: read customers with their tier and RFM values, upsert
customers and orders in bulk (all or nothing)."""
from app.customers.api import bulk, customers  # noqa: F401
from app.customers.api.blueprint import bp  # noqa: F401
from app.customers.api.openapi import OPENAPI  # noqa: F401

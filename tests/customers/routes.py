"""Who may use the customer routes (see tests/auth/test_route_access.py)."""
from tests.access import ANYONE, SIGNED_IN, WHO, only  # noqa: F401

# The API answers only to API tokens: the test clients send none, so 401 for all.
API = dict.fromkeys(WHO, 401)

CUSTOMER_VIEWERS = only("admin", "planner", "manager")

ACCESS = {
    ("customers.index", "GET"): ("/customers/", CUSTOMER_VIEWERS),
    ("customers.detail", "GET"): ("/customers/{customer_id}", CUSTOMER_VIEWERS),
    ("customers.export_csv", "GET"): ("/customers/export.csv", CUSTOMER_VIEWERS),
    ("customers.export_xlsx", "GET"): ("/customers/export.xlsx", CUSTOMER_VIEWERS),
    ("customers.tiers", "GET"): ("/customers/tiers", CUSTOMER_VIEWERS),
    ("customers.tier_runs", "GET"): ("/customers/tiers/runs", CUSTOMER_VIEWERS),
    ("customers.recompute", "POST"): ("/customers/tiers/recompute", only("admin", "planner", "manager", allowed=302)),
    ("customers.tier_rules", "GET"): ("/customers/tiers/rules", only("admin")),
    ("customers.tier_rules", "POST"): ("/customers/tiers/rules", only("admin")),
    ("customers.reset_tier_rules", "POST"): ("/customers/tiers/rules/reset", only("admin", allowed=302)),
    # Imports: planners and admins. The route_ids job is finished, so a POST to it redirects.
    ("customers.imports", "GET"): ("/customers/imports", only("admin", "planner")),
    ("customers.new_import", "GET"): ("/customers/imports/new", only("admin", "planner")),
    ("customers.new_import", "POST"): ("/customers/imports/new", only("admin", "planner")),
    ("customers.import_job", "GET"): ("/customers/imports/{import_job_id}", only("admin", "planner")),
    ("customers.import_job", "POST"): ("/customers/imports/{import_job_id}", only("admin", "planner", allowed=302)),
    ("customers.import_progress", "GET"): ("/customers/imports/{import_job_id}/progress", only("admin", "planner")),
    ("api_customers.list_customers", "GET"): ("/api/v1/customers", API),
    ("api_customers.get_customer", "GET"): ("/api/v1/customers/C00001", API),
    ("api_customers.bulk_customers", "POST"): ("/api/v1/customers/bulk", API),
    ("api_customers.bulk_orders", "POST"): ("/api/v1/orders/bulk", API),
}

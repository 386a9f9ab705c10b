"""Who may use the shared API routes (see tests/auth/test_route_access.py)."""
from tests.access import ANYONE, SIGNED_IN

ACCESS = {
    ("api.openapi", "GET"): ("/api/openapi.json", ANYONE),
    ("api.docs", "GET"): ("/api/docs", {"anonymous": 302, **SIGNED_IN}),
}

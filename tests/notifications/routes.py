"""Who may use the notices routes (see tests/auth/test_route_access.py)."""
from tests.access import SIGNED_IN

ACCESS = {
    ("notifications.index", "GET"): ("/notifications", {"anonymous": 302, **SIGNED_IN}),
}

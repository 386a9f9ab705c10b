"""Shorthands for the route-access tables (`tests/<package>/routes.py`)."""
WHO = ("anonymous", "admin", "planner", "manager", "staff")
SIGNED_IN = dict.fromkeys(WHO[1:], 200)
ANYONE = dict.fromkeys(WHO, 200)


def only(*roles, allowed=200, denied=403, anonymous=302):
    """Status per visitor when only `roles` may use a route."""
    return {"anonymous": anonymous, **{who: allowed if who in roles else denied for who in WHO[1:]}}


ADMIN_ONLY = only("admin")

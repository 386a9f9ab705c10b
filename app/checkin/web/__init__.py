"""The door's pages: the scanner, its JSON endpoints, helper links and the door settings."""
from app.checkin.web.blueprint import bp  # noqa: F401
from app.checkin.web import scanner, setup  # noqa: F401,E402

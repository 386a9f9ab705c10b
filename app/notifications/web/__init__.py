from app.notifications.web.blueprint import bp  # noqa: F401
from app.notifications.web import notices  # noqa: F401,E402  (registers the routes)

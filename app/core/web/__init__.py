from app.core.web.blueprint import bp  # noqa: F401
from app.core.web import home, language, health  # noqa: F401,E402,I001  (register the routes)

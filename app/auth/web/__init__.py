from app.auth.web.blueprint import bp  # noqa: F401
from app.auth.web import sign_in, account, users, tokens  # noqa: F401,E402,I001  (register the routes)

"""The reviews' pages: the guest's survey, its setup and its results."""
from app.reviews.web.blueprint import bp  # noqa: F401
from app.reviews.web import results, setup, survey  # noqa: F401,E402

"""The invitation pages: a plan's guest list (guest_views), sending and reminders
(sending_views), and the guests' own RSVP pages by personal link (rsvp_views)."""
from flask import Blueprint

bp = Blueprint("invitations", __name__)

from app.invitations import guest_views, rsvp_views, sending_views  # noqa: E402,F401  (register routes)

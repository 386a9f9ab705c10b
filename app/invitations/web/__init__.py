from app.invitations.web.blueprint import bp  # noqa: F401

from app.invitations.web import downloads, guests, rsvp, sending, template  # noqa: E402,F401  (register routes)

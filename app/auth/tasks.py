from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.core.http import external_url
from app.extensions import celery, db
from app.mail import services as mail


@celery.task(bind=True, max_retries=5, default_retry_delay=30)
def send_welcome_email(self, user_id):
    """Tell a new user their account exists and where to sign in."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    message = mail.render_message(
        "auth/email/welcome",
        to=mail.address(user.name, user.email),
        subject=_l("Your Rapport account"),
        locale=user.locale,
        user=user,
        login_url=external_url(current_app, "auth.login"),
    )
    try:
        mail.send(message)
    except OSError as error:  # smtplib errors are OSErrors: the server may come back
        raise self.retry(exc=error)
    return message["Message-ID"]

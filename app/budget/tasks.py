"""E-mails about budgets: each in-app notice made by app/budget/approvals.announce also
goes out by e-mail, in its reader's language, once the step that made it is committed."""
from flask import current_app

from app.auth.models import User
from app.budget.labels import NOTICE_SUBJECTS
from app.extensions import celery, db
from app.mail import services as mail
from app.notifications import services as notifications
from app.notifications.models import Notification


@celery.task(bind=True, max_retries=5, default_retry_delay=30)
def email_budget_notice(self, notification_id):
    """Mails one notice to its reader; returns the Message-ID, or None when there is no one to mail."""
    notice = db.session.get(Notification, notification_id)
    user = db.session.get(User, notice.user_id) if notice else None
    if user is None or not user.active:
        return None
    message = mail.render_message(
        "budget/email/notice",
        to=mail.address(user.name, user.email),
        subject=NOTICE_SUBJECTS[notice.kind],
        locale=user.locale,
        user=user,
        text=lambda: notifications.message(notice),  # rendered inside the reader's locale
        comment=notice.params.get("comment", ""),
        url=current_app.config["BASE_URL"] + notice.link,
    )
    try:
        mail.send(message)
    except OSError as error:  # smtplib errors are OSErrors: the server may come back
        raise self.retry(exc=error)
    return message["Message-ID"]


def email_notices(notices):
    """Queues the e-mail of each notice; call after the commit."""
    for notice in notices:
        email_budget_notice.delay(notice.id)

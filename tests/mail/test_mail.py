"""Outgoing mail: the outbox folder by default, a real SMTP server when configured."""
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from celery.exceptions import Retry

from app.auth.tasks import send_welcome_email
from app.mail import services as mail
from tests.backends import free_port


class Collector(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server():
    """A real SMTP server on a loopback port (aiosmtpd)."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.received = handler.messages
    yield controller
    controller.stop()


def test_outbox_file_is_a_complete_message(app, outbox):
    message = mail.build_message("张伟 <zhang@example.com>", "邀请函", "纯文本", "<p>HTML 正文</p>",
                                 attachments=[("event.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
    path = mail.send(message)
    assert path.suffix == ".eml" and not list(path.parent.glob("*.tmp"))
    [stored] = outbox()
    assert stored["Subject"] == "邀请函"
    assert stored.get_body(("plain",)).get_content().strip() == "纯文本"
    assert "HTML 正文" in stored.get_body(("html",)).get_content()
    [attachment] = list(stored.iter_attachments())
    assert attachment.get_filename() == "event.ics"


def test_welcome_mail_over_smtp_in_the_users_language(make_app, make_user, smtp_server):
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    user = make_user(email="wang@example.com", name="王经理", locale="zh")
    with smtp_app.app_context():
        send_welcome_email.delay(user.id)
    [message] = smtp_server.received
    assert message["To"] == "=?utf-8?b?546L57uP55CG?= <wang@example.com>" or "wang@example.com" in message["To"]
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "王经理，您好" in body
    assert "http://rapport.test/login" in body


def test_smtp_outage_fails_loudly_then_recovers(make_app, make_user):
    port = free_port()  # nothing listens here yet
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    user = make_user()
    with smtp_app.app_context():
        with pytest.raises(OSError):
            mail.send(mail.build_message(user.email, "x", "y"))
        # The task asks Celery to try again later rather than losing the message.
        with pytest.raises(Retry):
            send_welcome_email.delay(user.id)
        handler = Collector()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            send_welcome_email.delay(user.id)
        finally:
            controller.stop()
    assert len(handler.messages) == 1

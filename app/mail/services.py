"""Outgoing e-mail: SMTP when `MAIL_SERVER` is set, otherwise an .eml file per
message in the outbox folder, which any mail program opens."""
import smtplib
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale


def build_message(to, subject, text_body, html_body=None, attachments=(), sender=None):
    """An RFC 5322 message; `attachments` are (filename, mimetype, bytes) triples."""
    message = EmailMessage()
    message["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="rapport.local")
    message["Date"] = datetime.now(timezone.utc)
    message.set_content(text_body)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    for filename, mimetype, data in attachments:
        maintype, subtype = mimetype.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def render_message(template, to, subject, locale, **context):
    """Build a message from `templates/<template>.txt` and `.html` in `locale`."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = str(subject)
        text_body = render_template(f"{template}.txt", **context)
        html_body = render_template(f"{template}.html", **context)
    return build_message(to, subject, text_body, html_body)


def _smtp_connection(config):
    cls = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def write_to_outbox(message, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(message))
    tmp.rename(path)  # readers never see half a file
    return path


def send(message):
    """Deliver one message. Raises smtplib/OSError errors so tasks can retry."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        return write_to_outbox(message, config["MAIL_OUTBOX_DIR"])
    with _smtp_connection(config) as smtp:
        smtp.send_message(message)
    return None


def address(name, email):
    return formataddr((name, email))

"""Outgoing e-mail: SMTP when `MAIL_SERVER` is set, otherwise an .eml file per
message in the outbox folder, which any mail program opens."""
import smtplib
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from app.core.text import single_line


def build_message(to, subject, text_body, html_body=None, attachments=(), sender=None, inline_images=()):
    """An RFC 5322 message; `attachments` are (filename, mimetype, bytes) triples, `inline_images`
    (content id, mimetype, bytes) triples that the HTML shows as <img src="cid:content id">.
    Built with email.mime: a tenth of the time of EmailMessage, whose header registry parses every
    header it sets (it counts when a bulk send builds thousands of messages)."""
    message = MIMEText(text_body, "plain", "utf-8")
    if html_body:
        html = MIMEText(html_body, "html", "utf-8")
        if inline_images:
            html = _multipart("related", [html, *(_part(f"{cid.split('@')[0]}.{mimetype.split('/')[1]}", mimetype,
                                                         data, "inline", cid) for cid, mimetype, data in inline_images)])
        message = _multipart("alternative", [message, html])
    if attachments:
        message = _multipart("mixed", [message, *(_part(filename, mimetype, data, "attachment")
                                                  for filename, mimetype, data in attachments)])
    message["From"] = _address(sender or current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = ", ".join(_address(one) for one in ([to] if isinstance(to, str) else to))
    subject = single_line(str(subject))  # a header is one line: a value can never add another header
    message["Subject"] = Header(subject, "utf-8") if not subject.isascii() else subject
    message["Message-ID"] = make_msgid(domain="rapport.local")
    message["Date"] = formatdate(usegmt=True)
    return message


def _multipart(subtype, parts):
    container = MIMEMultipart(subtype)
    for part in parts:
        del part["MIME-Version"]  # once, on the whole message
        container.attach(part)
    return container


def _part(filename, mimetype, data, disposition, content_id=None):
    maintype, subtype = mimetype.split("/", 1)
    if maintype == "text":  # as text with its charset, so that mail programs read Chinese right
        part = MIMEText(data.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        encoders.encode_base64(part)
    if content_id:
        part["Content-ID"] = f"<{content_id}>"
    part.add_header("Content-Disposition", disposition, filename=filename)
    return part


def _address(value):
    """'Name <e-mail>' with a non-ASCII name encoded (RFC 2047)."""
    name, email = parseaddr(single_line(value))
    return formataddr((single_line(name), email))


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
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
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


@contextmanager
def connection():
    """One connection for many messages: yields `deliver(message)`, over a single SMTP session
    (no handshake per message), or into the outbox folder when `MAIL_SERVER` is empty."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        yield lambda message: write_to_outbox(message, config["MAIL_OUTBOX_DIR"])
        return
    with _smtp_connection(config) as smtp:
        yield smtp.send_message


def address(name, email):
    """'Name <e-mail>' for a header, both parts on one line without control characters."""
    return formataddr((single_line(name), single_line(email)))

"""Forms of the sending pages: the invitation template, and the bare POST buttons."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.invitations.messages import PLACEHOLDERS, template_errors

PLACEHOLDER_LIST = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def known_placeholders(form, field):
    unknown = template_errors(field.data)
    if unknown:
        raise ValidationError(_l("Unknown placeholder %(names)s. Use only %(known)s.",
                                 names=", ".join(unknown), known=PLACEHOLDER_LIST))


class TemplateForm(FlaskForm):
    """Empty fields fall back to the default text of that language."""

    subject_zh = StringField(_l("Subject (Chinese)"), validators=[Length(max=200), known_placeholders])
    body_zh = TextAreaField(_l("Message (Chinese)"), validators=[Length(max=5000), known_placeholders],
                            render_kw={"rows": 9})
    subject_en = StringField(_l("Subject (English)"), validators=[Length(max=200), known_placeholders])
    body_en = TextAreaField(_l("Message (English)"), validators=[Length(max=5000), known_placeholders],
                            render_kw={"rows": 9})
    submit = SubmitField(_l("Save the template"))


class ActionForm(FlaskForm):
    """A button that POSTs (send, retry, send reminder now): only the CSRF token."""

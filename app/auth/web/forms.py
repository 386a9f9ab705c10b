"""The forms of the account pages and of the API token pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth import api_tokens
from app.auth.labels import LOCALE_LABELS, ROLE_LABELS
from app.auth.services import MIN_PASSWORD_LENGTH

LOCALE_CHOICES = [SelectChoice(code, label) for code, label in LOCALE_LABELS.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocaleField(SelectField):
    """'' (browser language) when the value is missing or unset, never None."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None:
            self.data = ""


class LoginForm(FlaskForm):
    # No Email() check here: intranet addresses such as admin@corp.local must sign in.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])  # checked by the service
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    )
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )
    locale = LocaleField(_l("Language"), choices=LOCALE_CHOICES, default="")
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class LanguageForm(FlaskForm):
    locale = LocaleField(_l("Language"), choices=LOCALE_CHOICES, default="")
    submit = SubmitField(_l("Save language"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=api_tokens.NAME_MAX)],
        description=_l("The system that will use the token, e.g. “ERP” or “CRM sync”."),
    )
    acts_for = SelectField(
        _l("Acts for"), coerce=lambda value: int(value) if value else None, validate_choice=False,
        description=_l("Leave empty for a system that only exchanges data. Choose a person for a system that "
                       "takes their steps, e.g. a manager's budget approvals: it gets that person's roles."),
    )
    submit = SubmitField(_l("Create token"))

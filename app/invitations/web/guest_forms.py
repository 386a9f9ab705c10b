"""Forms of the guest list pages: filters, adding a guest by hand, the invitation settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.core.text import single_line
from app.customers.models import TIERS
from app.customers.labels import TIER_LABELS
from app.invitations.labels import LANGUAGE_NAMES, RSVP_LABELS, STATUS_LABELS

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
NO_TIER = "none"
MAX_REMINDER_DAYS = 60


def _choices(anything, pairs):
    """A filter's choices: "" for no filter, then (value, label) pairs."""
    return [SelectChoice("", anything)] + [SelectChoice(value, label) for value, label in pairs]


class GuestFilterForm(Form):
    """The list's filters, read from the query string (no CSRF: GET)."""

    status = SelectField(_l("Status"), choices=_choices(_l("All but removed"), STATUS_LABELS.items()),
                         validators=[Optional()])
    rsvp = SelectField(_l("RSVP"), choices=_choices(_l("Any answer"), RSVP_LABELS.items()), validators=[Optional()])
    tier = SelectField(_l("Tier"), choices=_choices(_l("Any tier"), [(t, TIER_LABELS[t]) for t in TIERS]
                                                    + [(NO_TIER, _l("Not a customer"))]), validators=[Optional()])
    opened = SelectField(_l("Opened"), choices=_choices(_l("Opened or not"), [("yes", _l("Opened")),
                                                                              ("no", _l("Not opened"))]),
                         validators=[Optional()])
    q = StringField(_l("Search customers"), validators=[Optional(), Length(max=100)])

    def valid_data(self):
        """The filters that passed validation; an unknown choice counts as no filter."""
        self.validate()
        return {name: field.data or None for name, field in self._fields.items()
                if name != "q" and not field.errors and field.data}


class AddCustomerForm(FlaskForm):
    customer_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Add"))


class ContactForm(FlaskForm):
    """A guest who is not a customer (yet)."""

    # One line each, without control characters: a name or company ends up in mail headers.
    name = StringField(_l("Name"), filters=[single_line],
                       validators=[InputRequired(_l("Enter the guest's name.")), Length(max=200)])
    company = StringField(_l("Company"), filters=[single_line], validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail"), filters=[single_line],
                       validators=[Optional(), Email(_l("Enter a valid e-mail address.")), Length(max=254)])
    phone = StringField(_l("Phone"), filters=[single_line], validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="zh")
    submit = SubmitField(_l("Add contact"))

    def validate_email(self, field):
        if not field.data and not self.phone.data:
            raise ValidationError(_l("Enter an e-mail address or a phone number."))


class ReminderDaysField(StringField):
    """Days before the event on which accepted guests are reminded: "3,1" -> [3, 1]."""

    def _value(self):
        return ",".join(str(day) for day in self.data) if isinstance(self.data, list) else (self.data or "")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.raw = valuelist[0]
        parts = [part.strip() for part in self.raw.replace("，", ",").split(",") if part.strip()]
        if not all(part.isdigit() and 1 <= int(part) <= MAX_REMINDER_DAYS for part in parts):
            self.data = self.raw
            raise ValueError(_l("Enter whole days from 1 to %(most)s, separated by commas, such as 3,1.",
                                most=MAX_REMINDER_DAYS))
        self.data = sorted({int(part) for part in parts}, reverse=True)


class SettingsForm(FlaskForm):
    companions_cap = IntegerField(_l("Companions per guest, at most"), default=1,
                                  validators=[InputRequired(_l("Enter a number from 0 to 10.")),
                                              NumberRange(0, 10, _l("Enter a number from 0 to 10."))])
    rsvp_deadline = DateField(_l("RSVP deadline"), validators=[Optional()])
    reminder_days = ReminderDaysField(_l("Reminders to accepted guests, days before the event"),
                                      description=_l("For example 3,1. Leave empty for no reminders."))
    nudge_on = DateField(_l("Nudge those who have not answered on"), validators=[Optional()])
    control_share = DecimalField(_l("Control group: share of the eligible held out (%)"), places=2,
                                 validators=[InputRequired(_l("Enter a percentage from 0 to 50.")),
                                             NumberRange(0, 50, _l("Enter a percentage from 0 to 50."))],
                                 description=_l("Held out at random when the list is built, for the review's "
                                                "comparison; 0 for no control group."))
    version = HiddenField()  # the settings' version the form was made from (app/core/versions.py)
    submit = SubmitField(_l("Save settings"))

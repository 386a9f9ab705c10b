from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from app.customers.forms import MultiCheckboxField
from app.events.forms import TIER_CHOICES


class PlanForm(FlaskForm):
    event_type = SelectField(_l("Event type"), validators=[InputRequired(_l("Choose an event type."))],
                             validate_choice=False)
    title = StringField(_l("Plan title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    tiers = MultiCheckboxField(_l("Target tiers"), choices=TIER_CHOICES)
    event_day = DateField(_l("Event day"), validators=[InputRequired(_l("Enter the event day."))])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    online = BooleanField(_l("Online event"))
    expected_guests = IntegerField(_l("Expected guests"), validators=[Optional(), NumberRange(min=0)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])
    content = TextAreaField(_l("Content and run of show"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Create plan"))


class MoveEventForm(FlaskForm):
    event_day = DateField(_l("New event day"), validators=[InputRequired(_l("Enter the event day."))])
    submit = SubmitField(_l("Move the event"))


class TaskStatusForm(FlaskForm):
    status = SelectField(choices=[SelectChoice("open", _l("Reopen")), SelectChoice("done", _l("Mark done"))])

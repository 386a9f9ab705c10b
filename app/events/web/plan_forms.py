from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
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

from app.customers.web.forms import MultiCheckboxField
from app.events.labels import CHANNEL_LABELS
from app.events.web.type_forms import TIER_CHOICES

TEXT_LIMIT = [Length(max=10000)]


class PlanFactsForm(FlaskForm):
    """The fields that a new plan and the edit page share."""

    title = StringField(_l("Plan title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    tiers = MultiCheckboxField(_l("Target tiers"), choices=TIER_CHOICES)
    event_day = DateField(_l("Event day"), validators=[InputRequired(_l("Enter the event day."))])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=200)],
                          description=_l("Street and city, for the invitation and the guests' calendar."))
    dress_code = StringField(_l("Dress code"), validators=[Length(max=200)])
    online = BooleanField(_l("Online event"))
    expected_guests = IntegerField(_l("Expected guests"), validators=[Optional(), NumberRange(min=0)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])
    content = TextAreaField(_l("Content and run of show"), validators=TEXT_LIMIT)


class PlanForm(PlanFactsForm):
    event_type = SelectField(_l("Event type"), validators=[InputRequired(_l("Choose an event type."))],
                             validate_choice=False)
    submit = SubmitField(_l("Create plan"))


class PlanEditForm(PlanFactsForm):
    """Every step of the template that is text or a choice; the choices of industries and
    tags are the customers' own (set by the view)."""

    principles = TextAreaField(_l("Principles"), validators=TEXT_LIMIT, description=_l(
        "For example: customer-centred, differentiated by tier, feasible within budget, staff and channels."))
    target_industries = MultiCheckboxField(_l("Industries"))
    target_tags = MultiCheckboxField(_l("Tags"))
    channels = MultiCheckboxField(_l("Promotion channels"), choices=[
        SelectChoice(channel.value, label) for channel, label in CHANNEL_LABELS.items()])
    promotion = TextAreaField(_l("Promotion and invitations"), validators=TEXT_LIMIT, description=_l(
        "Messages, schedule and who invites whom, per channel."))
    onsite = TextAreaField(_l("On-site execution"), validators=TEXT_LIMIT, description=_l(
        "Check-in, run of show on the day, follow-up."))
    evaluation = TextAreaField(_l("Evaluation plan"), validators=TEXT_LIMIT, description=_l(
        "How the goals are measured: survey (NPS, CSAT), repurchase, comparison group, review meeting."))
    # What English-speaking guests read; left empty, they read the Chinese.
    title_en = StringField(_l("Title in English"), validators=[Length(max=200)])
    venue_en = StringField(_l("Venue in English"), validators=[Length(max=200)])
    address_en = StringField(_l("Address in English"), validators=[Length(max=200)])
    dress_code_en = StringField(_l("Dress code in English"), validators=[Length(max=200)])
    content_en = TextAreaField(_l("Content and run of show in English"), validators=TEXT_LIMIT)
    # The plan's version the form was made from (optimistic locking, app/core/versions.py).
    version = HiddenField()
    submit = SubmitField(_l("Save plan"))


class MoveEventForm(FlaskForm):
    event_day = DateField(_l("New event day"), validators=[InputRequired(_l("Enter the event day."))])
    version = HiddenField()
    submit = SubmitField(_l("Move the event"))


class TaskStatusForm(FlaskForm):
    status = SelectField(choices=[SelectChoice("open", _l("Reopen")), SelectChoice("done", _l("Mark done"))])

"""The guest's answer on the RSVP page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.invitations.models import Rsvp
from app.invitations.labels import DECLINE_REASON_LABELS
from app.invitations.rsvp import DECLINE_TEXT_MAX, DIETARY_MAX, NOTES_MAX

ACCEPT, DECLINE = "accept", "decline"


class RsvpForm(FlaskForm):
    """The guest's answer. The companions' cap and the reasons are checked by the service
    (`rsvp.respond`), which words the errors; the form only parses."""

    answer = RadioField(_l("Your answer"),
                        choices=[SelectChoice(ACCEPT, _l("I will attend")),
                                 SelectChoice(DECLINE, _l("I cannot attend"))],
                        validators=[InputRequired(_l("Choose whether you will attend."))])
    companions = SelectField(_l("Companions"), coerce=int, validate_choice=False, default=0)
    dietary = StringField(_l("Dietary needs"), validators=[Length(max=DIETARY_MAX)],
                          description=_l("For example vegetarian, halal, no nuts."))
    decline_reason = RadioField(
        _l("Why can you not come?"), validate_choice=False,
        choices=[SelectChoice(reason.value, label) for reason, label in DECLINE_REASON_LABELS.items()])
    decline_text = TextAreaField(_l("Anything you would like to add"), validators=[Length(max=DECLINE_TEXT_MAX)])
    notes = TextAreaField(_l("Notes for the organisers"), validators=[Length(max=NOTES_MAX)])
    waitlist = HiddenField()  # "1": the page offered the waiting list, and the guest accepts it
    submit = SubmitField(_l("Send my answer"))

    def fill(self, invitation):
        """The current answer, on a later visit."""
        self.answer.data = {Rsvp.ACCEPTED: ACCEPT, Rsvp.DECLINED: DECLINE}.get(invitation.rsvp)
        self.companions.data = invitation.companions
        self.dietary.data = invitation.dietary
        self.notes.data = invitation.notes
        self.decline_reason.data = invitation.decline_reason
        self.decline_text.data = invitation.decline_text

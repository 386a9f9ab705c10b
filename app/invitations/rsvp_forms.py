from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.invitations.models import DeclineReason, Rsvp
from app.invitations.rsvp import DECLINE_TEXT_MAX, DIETARY_MAX, NOTES_MAX

DECLINE_REASON_LABELS = {
    DeclineReason.SCHEDULE: _l("The date or time does not suit me"),
    DeclineReason.DISTANCE: _l("The venue is too far for me"),
    DeclineReason.NOT_INTERESTED: _l("The topic is not of interest to me"),
    DeclineReason.SENDING_SOMEONE: _l("A colleague will come in my place"),
    DeclineReason.OTHER: _l("Another reason"),
}
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
    submit = SubmitField(_l("Send my answer"))

    def fill(self, invitation):
        """The current answer, on a later visit."""
        self.answer.data = {Rsvp.ACCEPTED: ACCEPT, Rsvp.DECLINED: DECLINE}.get(invitation.rsvp)
        self.companions.data = invitation.companions
        self.dietary.data = invitation.dietary
        self.notes.data = invitation.notes
        self.decline_reason.data = invitation.decline_reason
        self.decline_text.data = invitation.decline_text

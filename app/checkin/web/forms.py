"""The forms of the door's setup page (the scanner page posts JSON with its CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.checkin.links import LABEL_MAX
from app.checkin.models import ENTRANCE_MAX


class HelperLinkForm(FlaskForm):
    label = StringField(_l("Who will use it"), validators=[DataRequired(), Length(max=LABEL_MAX)])
    entrance = StringField(_l("Entrance (optional)"), validators=[Length(max=ENTRANCE_MAX)])
    submit = SubmitField(_l("Create helper link"))


class DoorSettingsForm(FlaskForm):
    admit_not_attending = BooleanField(_l("Let in guests who have not answered or are on the waiting list "
                                          "(amber answer)"))
    submit = SubmitField(_l("Save door settings"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

REASON_MAX = 2000


class StepForm(FlaskForm):
    comment = TextAreaField(_l("Reason"), validators=[Length(max=REASON_MAX)])

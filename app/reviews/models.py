"""A survey per plan (its questions, edited while it is a draft), and the guests' responses: one
per invitation, editable until the survey closes, with one answer per question."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.constraints import one_of
from app.extensions import db
from app.invitations.models import Invitation


class SurveyState(StrEnum):
    DRAFT = "draft"  # questions editable, nothing sent
    OPEN = "open"  # sent to the guests who came; answers taken and editable
    CLOSED = "closed"


class QuestionKind(StrEnum):
    NPS = "nps"  # 0-10, how likely to recommend (DOMAIN.md section 7)
    CSAT = "csat"  # 1-5, satisfaction with the event, reported on 0-100
    RATING = "rating"  # 1-5, a question of the event type or the planner
    TEXT = "text"


SURVEY_STATES = tuple(s.value for s in SurveyState)
QUESTION_KINDS = tuple(k.value for k in QuestionKind)
SCORE_RANGES = {QuestionKind.NPS: (0, 10), QuestionKind.CSAT: (1, 5), QuestionKind.RATING: (1, 5)}
TEXT_MAX = 2000
QUESTION_MAX = 300

# The outbox kinds (OutboxMessage.kind) of the survey e-mail and its one reminder: with the
# outbox's unique (invitation, kind), each reaches a guest at most once.
SURVEY_MESSAGE, SURVEY_REMINDER = "survey", "survey_reminder"


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(one_of("state", SURVEY_STATES), name="state_known"),
        CheckConstraint("send_after_days >= 0 AND send_after_days <= 30", name="send_after_days_range"),
        CheckConstraint("reminder_after_days >= 1 AND reminder_after_days <= 30", name="reminder_after_days_range"),
        CheckConstraint("closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(8), default=SurveyState.DRAFT)
    send_after_days: Mapped[int] = mapped_column(default=1)  # days after the event the e-mail goes out
    reminder_after_days: Mapped[int] = mapped_column(default=3)  # days after that, the one reminder
    opens_on: Mapped[date | None] = mapped_column(Date)  # set when it opens
    closes_on: Mapped[date | None] = mapped_column(Date)  # answers taken until this day included
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    sent_on: Mapped[date | None] = mapped_column(Date)  # when the survey e-mail was queued
    reminded_on: Mapped[date | None] = mapped_column(Date)
    # The lock of a beat run on this survey: taken by one UPDATE, so two runs never queue at once.
    claimed_at: Mapped[datetime | None]

    questions: Mapped[list["SurveyQuestion"]] = relationship(
        cascade="all, delete-orphan", order_by="SurveyQuestion.position", lazy="selectin")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (CheckConstraint(one_of("kind", QUESTION_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(8))
    text_zh: Mapped[str] = mapped_column(String(QUESTION_MAX))
    text_en: Mapped[str] = mapped_column(String(QUESTION_MAX))
    required: Mapped[bool] = mapped_column(default=False)

    def text(self, locale):
        return self.text_en if locale == "en" and self.text_en else self.text_zh


class SurveyResponse(db.Model):
    """A guest's answers: one per invitation and survey (a second submit edits it)."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "invitation_id", name="uq_survey_responses_survey_invitation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    invitation: Mapped[Invitation] = relationship()
    answers: Mapped[list["SurveyAnswer"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class SurveyAnswer(db.Model):
    """One answer: a score (its range checked by the service against the question's kind) or a text."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"),
        CheckConstraint("score IS NOT NULL OR text IS NOT NULL", name="score_or_text"),
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    score: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)

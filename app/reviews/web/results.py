"""The survey's results for planners and managers: response rate, NPS and CSAT with their counts,
per tier, the score distributions and the comments."""
from flask import render_template, request

from app.auth.access import roles_required
from app.customers.labels import TIER_LABELS
from app.customers.models import Tier
from app.reviews import scores, surveys
from app.reviews.charts import bars
from app.reviews.labels import LABELS
from app.reviews.models import QuestionKind
from app.reviews.web.blueprint import bp
from app.reviews.web.common import READERS, plan_or_404

GROUPS = ("promoters", "passives", "detractors")


@bp.route("/events/plans/<int:plan_id>/survey/results")
@roles_required(*READERS)
def results(plan_id):
    plan = plan_or_404(plan_id)
    survey = surveys.survey_of(plan.id)
    group = request.args.get("group")
    group = group if group in GROUPS else None
    context = {"plan": plan, "survey": survey, "labels": LABELS, "group": group, "groups": GROUPS,
               "tier_labels": TIER_LABELS}
    if survey is not None:
        per_tier = scores.by_tier(survey.id)
        order = [t.value for t in Tier] + [None]
        context.update(
            nps=scores.nps(survey.id), csat=scores.csat(survey.id),
            tiers=[(tier, *per_tier[tier]) for tier in sorted(per_tier, key=lambda t: order.index(t) if t in order else 99)],
            counts=scores.response_counts(survey.id, plan.id),
            nps_chart=bars(scores.distribution(survey.id, QuestionKind.NPS), QuestionKind.NPS),
            csat_chart=bars(scores.distribution(survey.id, QuestionKind.CSAT), QuestionKind.CSAT),
            comments=scores.comments(survey.id, group))
    return render_template("reviews/results.html", **context)

"""Tier overview, tier rules (admins), recomputation and the history of runs."""
from decimal import ROUND_HALF_UP, Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.access import roles_required
from app.auth.models import Role, User
from app.core import clock
from app.core.errors import DomainError
from app.core.http import safe_next_url
from app.customers import tiering
from app.customers.charts import share_chart
from app.customers.labels import PRECEDENCE_LABELS, TIER_LABELS
from app.customers.models import Tier, TierAssignment, TierRun
from app.customers.tasks import recompute_tiers
from app.customers.web.blueprint import bp
from app.customers.web.common import VIEWERS
from app.customers.web.forms import RecomputeForm, TierRulesForm
from app.extensions import db

STALE_AFTER_DAYS = 92  # tiers are recomputed at least quarterly
OFF_TARGET_POINTS = 5  # a share this far from its target is highlighted
RUNS_SHOWN = 100
# The order of the source's tier table, general last.
OVERVIEW_ORDER = (*tiering.TARGET_SHARES, Tier.GENERAL)
TENTH = Decimal("0.1")


def tier_shares(counts):
    """[{tier, count, share, target, difference, off_target}] with shares in percent, one decimal."""
    total = sum(counts.values())
    rows = []
    for tier in OVERVIEW_ORDER:
        share = (Decimal(counts[tier] * 100) / total if total else Decimal(0)).quantize(TENTH, ROUND_HALF_UP)
        target = tiering.TARGET_SHARES.get(tier)
        difference = share - target if target is not None else None
        rows.append({
            "tier": tier, "count": counts[tier], "share": share, "target": target, "difference": difference,
            "off_target": difference is not None and abs(difference) >= OFF_TARGET_POINTS,
        })
    return rows


def _render_overview(recompute_form):
    run = tiering.latest_run()
    rows = tier_shares(tiering.tier_counts(run)) if run else []
    chart = share_chart(
        [(row["tier"].value, str(TIER_LABELS[row["tier"]]), row["share"], row["target"]) for row in rows],
        title=_("Share of customers per tier against the target share"), share_label=_("Share"),
        target_label=_("Target share"),
    ) if run else None
    return render_template(
        "customers/tiers.html", run=run, rows=rows, chart=chart, recompute_form=recompute_form,
        triggered_by=db.session.get(User, run.triggered_by_id) if run and run.triggered_by_id else None,
        stale=run is not None and (clock.today() - run.as_of).days > STALE_AFTER_DAYS,
        stale_after_days=STALE_AFTER_DAYS, off_target_points=OFF_TARGET_POINTS, tier_labels=TIER_LABELS,
        total=sum(row["count"] for row in rows),
    )


@bp.route("/tiers")
@roles_required(*VIEWERS)
def tiers():
    return _render_overview(RecomputeForm())


@bp.route("/tiers/recompute", methods=["POST"])
@roles_required(*VIEWERS)
def recompute():
    form = RecomputeForm()
    if not form.validate_on_submit():
        return _render_overview(form)
    # Nothing is written here: the task writes and commits the run, so it is queued at once.
    recompute_tiers.delay(form.as_of.data.isoformat() if form.as_of.data else None, current_user.id)
    flash(_("Tier recomputation queued. The new tiers appear here in a moment; reload the page."), "info")
    return redirect(safe_next_url(request.form.get("next")) or url_for("customers.tiers"))


@bp.route("/tiers/rules", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def tier_rules():
    rules = tiering.current_rules()
    form = TierRulesForm(obj=rules)
    if form.validate_on_submit():
        try:
            tiering.update_rules(form.values(), current_user)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Thresholds saved. They apply from the next recomputation."), "success")
            return redirect(url_for("customers.tier_rules"))
    return render_template(
        "customers/rules.html", form=form, precedence=PRECEDENCE_LABELS, tier_labels=TIER_LABELS,
        updated_by=db.session.get(User, rules.updated_by_id) if rules.updated_by_id else None, rules=rules,
    )


@bp.route("/tiers/rules/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_tier_rules():
    tiering.reset_rules(current_user)
    db.session.commit()
    flash(_("The seed thresholds are restored. They apply from the next recomputation."), "success")
    return redirect(url_for("customers.tier_rules"))


@bp.route("/tiers/runs")
@roles_required(*VIEWERS)
def tier_runs():
    runs = db.session.execute(
        select(TierRun, User.name).outerjoin(User, User.id == TierRun.triggered_by_id)
        .order_by(TierRun.id.desc()).limit(RUNS_SHOWN)
    ).all()
    done = [run for run, _name in runs if run.status == "done"]
    by_id = {run.id: run for run in done}
    to_run = by_id.get(request.args.get("to", type=int)) or (done[0] if done else None)
    from_run = by_id.get(request.args.get("from", type=int)) or (done[1] if len(done) > 1 else None)
    moves = tiering.movement(from_run, to_run) if from_run and to_run and from_run.id != to_run.id else []
    counts = {}
    for run_id, tier, count in db.session.execute(
        select(TierAssignment.run_id, TierAssignment.tier, func.count())
        .where(TierAssignment.run_id.in_(by_id)).group_by(TierAssignment.run_id, TierAssignment.tier)
    ):
        counts.setdefault(run_id, {})[tier] = count
    return render_template(
        "customers/runs.html", runs=runs, done=done, from_run=from_run, to_run=to_run, moves=moves,
        moved=sum(count for _a, _b, count in moves), counts=counts, tier_labels=TIER_LABELS,
        tier_order=OVERVIEW_ORDER,
    )

"""Demo plans, one at each stage a visitor wants to see, each with a past that holds
together: a banquet waiting for the manager's approval (the source's worked budget), its
invitations sent to every guest and a few guests having answered; a training ready to
submit; and a family day that was approved well before it took place, had every task done
and has its actual spend entered."""
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from app.budget import actuals, approvals
from app.budget.models import BudgetLine, BudgetRevision, RevisionState
from app.budget.rule import line_amount
from app.core import clock
from app.events import goals, roles, workflow
from app.events.models import EventType
from app.events.plan_models import Plan, PlanActivity, TaskStatus
from app.events.plans import create_plan, update_plan
from app.core.errors import DomainError
from app.extensions import db
from app.invitations import guest_list, rsvp, sending, services
from app.invitations.models import DeclineReason, GuestStatus, Invitation, MessageState, OutboxMessage

# DOMAIN.md section 6: the source's own budget (46,200 with 4,200 contingency).
SOURCE_BUDGET = (
    ("venue", "宴会场地及设备、培训室", "1", "项", "8000.00"),
    ("materials", "海报、邀请函、宣传册、定制礼品", "1", "批", "5000.00"),
    ("gifts", "抽奖奖品（手机、购物卡）、伴手礼", "1", "批", "12000.00"),
    ("personnel", "主持人、礼仪、临时人员", "1", "项", "3000.00"),
    ("catering", "宴会餐饮 200元/人 × 50人", "50", "人", "200.00"),
    ("catering", "茶歇", "1", "项", "2000.00"),
    ("promotion", "推文设计、短信10000条、社群推广", "1", "项", "2000.00"),
    ("contingency", "应急备用金（10%）", "1", "项", "4200.00"),
)

TEXTS = {
    "principles": "以客户为中心；按客户分层差异化设计；在预算、人力与渠道范围内可执行。",
    "promotion": "活动前三周发送电子邀请函，客户经理电话逐一确认；公众号推文预热。",
    "onsite": "签到扫码入场；主持开场、企业成果汇报、客户案例分享、抽奖；会后 48 小时内致谢回访。",
    "evaluation": "活动后一周内发放 NPS 与满意度问卷；三个月后对比参会客户与对照组的复购率。",
}


def _budget(plan, user, lines):
    revision = BudgetRevision(plan_id=plan.id, number=1, state=RevisionState.DRAFT, created_by_id=user.id)
    revision.lines = [
        BudgetLine(position=position, category=category, description=description, quantity=Decimal(quantity),
                   unit=unit, unit_price=Decimal(price), amount=line_amount(quantity, price))
        for position, (category, description, quantity, unit, price) in enumerate(lines, 1)
    ]
    db.session.add(revision)
    db.session.flush()
    return revision


# What guests read besides the Chinese: the address, the dress code and the English versions
# an organiser with English-speaking customers gives (app/events/guest_text.py).
GUEST_TEXTS = {
    "banquet": {
        "title_en": "2026 VIP Customer Appreciation Gala", "venue_en": "Waldorf Astoria Shanghai on the Bund, Ballroom",
        "address": "上海市黄浦区中山东一路 2 号", "address_en": "2 Zhongshan East 1st Road, Huangpu, Shanghai",
        "dress_code": "商务正装", "dress_code_en": "Business formal",
        "content_en": "Our year in review, customer stories, the appreciation dinner and a prize draw.",
    },
    "training": {
        "title_en": "Product Training for Growing Customers", "venue_en": "Training Centre, 3rd floor",
        "address": "上海市浦东新区张江路 88 号", "address_en": "88 Zhangjiang Road, Pudong, Shanghai",
        "dress_code": "商务休闲", "dress_code_en": "Business casual",
        "content_en": "New features explained, hands-on practice and questions; trial kits to take home.",
    },
    "family_day": {
        "title_en": "Family Open Day for Loyal Customers", "venue_en": "Company campus",
        "address": "上海市松江区新桥镇民益路 201 号", "address_en": "201 Minyi Road, Xinqiao, Songjiang, Shanghai",
        "dress_code": "休闲装，建议穿运动鞋", "dress_code_en": "Casual; comfortable shoes recommended",
        "content_en": "Games for children, a factory tour and family photos.",
    },
}

# A banquet in the evening, a training in the afternoon, a family day in the morning.
STARTS = {"banquet": time(18, 0), "training": time(14, 0), "family_day": time(10, 0)}


def _plan(code, title, day, tiers, guests, venue, content, channels, planner, team):
    event_type = db.session.scalar(select(EventType).where(EventType.code == code))
    plan = create_plan(event_type, title, day, STARTS[code], tiers, guests, guests + 10, venue, False, content, planner,
                       **GUEST_TEXTS[code])
    update_plan(plan, planner, channels=channels, **{field: TEXTS[field] for field in ("principles", "promotion",
                                                                                        "onsite", "evaluation")})
    for role, user in team:
        roles.assign(plan, role, user, planner)
    goals.add_goal(plan, planner, text="目标客户三个月内复购率提升 15%", metric="repurchase_rate",
                   baseline=Decimal("20"), target=Decimal("35"), deadline=day + timedelta(days=90))
    goals.add_goal(plan, planner, text="活动 NPS 不低于 65", metric="nps", target=Decimal("65"),
                   deadline=day + timedelta(days=7))
    return plan


def _at(day, hour=10):
    """`hour` o'clock on `day` in Shanghai, as naive UTC (the database's now(), the budget's
    and the sending's clocks)."""
    return datetime.combine(day, time(hour)) - timedelta(hours=8)


def _local(day, hour):
    """The same as the server's naive local time (tasks done, guests' visits and answers)."""
    return datetime.combine(day, time(hour))


def _dated(plan, moment):
    """Dates what was just done to `plan` (its activity entries written after `moment`, i.e.
    now) at `moment`: the demo plays each plan's past in order, oldest step first."""
    db.session.flush()
    db.session.execute(update(PlanActivity).where(PlanActivity.plan_id == plan.id, PlanActivity.at > moment)
                       .values(at=moment))
    if plan.created_at is None or plan.created_at > moment:
        plan.created_at = moment


def _tasks_done_until(plan, today, user):
    """The tasks due before `today` were done on their due date (by the plan's planner); those due
    on the event day before the guests came."""
    for task in plan.tasks:
        if task.due_on < today:
            hour = 16 if task.due_on != plan.event_day else max(plan.start_time.hour - 2, 6)
            task.status, task.done_at, task.done_by_id = TaskStatus.DONE, _local(task.due_on, hour), user.id


def _submitted(plan, planner, day, today):
    revision = approvals.submit(plan, planner, today)
    revision.submitted_at = _at(day)
    _dated(plan, _at(day))
    return revision


def _guests(plan, planner, sent_on, today):
    """The plan's guest list from its target tier, every guest sent the invitation on `sent_on`;
    of its first twelve guests (the English-speaking ones first), who opened their link in the
    following days, four accepted and four declined."""
    settings = services.settings_for(plan)
    settings.companions_cap = 1
    try:
        guest_list.build_from_target(plan, planner, seed=20261123)
    except DomainError:  # customers of one's own, not tiered yet: no guest list
        return
    for task in plan.tasks:  # the catalogue's task for choosing the guests is done with it
        if task.title_en == "Select the high-value guest list" and task.status != TaskStatus.DONE:
            task.status, task.done_at, task.done_by_id = TaskStatus.DONE, _local(sent_on, 8), planner.id
    # The demo's history, as it happened before the rule that only an approved plan invites: recorded, not sent.
    job = sending.record(plan, None, sending.INVITATION, planner)
    if job is None:
        return
    sent = _at(sent_on, 9)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.job_id == job.id)
                       .values(state=MessageState.SENT, queued_at=sent, sent_at=sent, attempts=1))
    db.session.execute(update(Invitation).where(Invitation.id.in_(
        select(OutboxMessage.invitation_id).where(OutboxMessage.job_id == job.id))).values(invited_at=sent))
    job.created_at, job.finished_at = sent, sent
    _dated(plan, sent)
    # The English-speaking guests answer first: the demo shows their English invitation,
    # confirmation and RSVP page.
    first = db.session.scalars(select(Invitation).where(Invitation.plan_id == plan.id,
                                                        Invitation.status == GuestStatus.GUEST,
                                                        Invitation.invited_at.is_not(None))
                               .order_by((Invitation.locale == "en").desc(), Invitation.id).limit(12)).all()
    opening = sorted((min(sent_on + timedelta(days=1 + n % 3), today - timedelta(days=1)), 11 + n % 8, n)
                     for n in range(len(first)))
    for day, hour, n in opening:  # in the order they happened
        guest = first[n]
        if n % 3 == 0:
            rsvp.respond(guest, settings, True, companions=n % 2, dietary="素食" if n == 3 else "", today=today)
        elif n % 3 == 1:
            rsvp.respond(guest, settings, False, decline_reason=DeclineReason.SCHEDULE, today=today)
        guest.opened_at = _local(day, hour)
        if guest.responded_at is not None:
            guest.responded_at = guest.opened_at + timedelta(minutes=5)
        _dated(plan, _at(day, hour) + timedelta(minutes=5))


def load_plans(users, today=None):
    """Creates the demo plans when there are none. `users`: {role value: User}, plus
    "planner_en" for a second, English-speaking planner on the banquet's planning team.
    Each plan's past is dated before today, in the order it happened."""
    if db.session.scalar(select(func.count()).select_from(Plan)):
        return
    today = today or clock.today()
    planner, manager, staff = users["planner"], users["manager"], users["staff"]
    team = [("project_lead", planner), ("execution_team", staff)]

    banquet_day = today + timedelta(days=45)
    banquet = _plan("banquet", "2026 年度 VIP 客户答谢晚宴", banquet_day, ["high_value"], 50,
                    "外滩华尔道夫酒店宴会厅", "企业年度成果汇报、客户案例分享、答谢晚宴与抽奖。",
                    ["visit", "email", "phone"], planner, team)
    if users.get("planner_en"):
        roles.assign(banquet, "planning_team", users["planner_en"], planner)
    _budget(banquet, planner, SOURCE_BUDGET)
    _tasks_done_until(banquet, today, planner)
    _dated(banquet, _at(today - timedelta(days=20)))
    _submitted(banquet, planner, today - timedelta(days=6), today)
    _guests(banquet, planner, today - timedelta(days=5), today)

    training = _plan("training", "成长型客户产品应用培训", today + timedelta(days=40), ["growth"], 40,
                     "公司培训中心 3 楼", "新功能讲解、实操演练与答疑，会后提供试用装。",
                     ["wechat", "community", "email"], planner, team)
    _budget(training, planner, SOURCE_BUDGET[:1] + (("contingency", "应急备用金", "1", "项", "1000.00"),))
    _tasks_done_until(training, today, planner)
    _dated(training, _at(today - timedelta(days=2)))

    family_day = today - timedelta(days=10)
    family = _plan("family_day", "老客户家庭开放日", family_day, ["general"], 60,
                   "公司园区", "亲子游园、工厂参观与家庭合影。", ["wechat", "phone"], planner, team)
    revision = _budget(family, planner, (
        ("venue", "园区布置与帐篷", "1", "项", "6000.00"),
        ("catering", "自助午餐 120元/人 × 60人", "60", "人", "120.00"),
        ("gifts", "亲子礼包", "60", "份", "80.00"),
        ("contingency", "应急备用金", "1", "项", "2400.00"),
    ))
    _dated(family, _at(family_day - timedelta(days=50)))
    _submitted(family, planner, family_day - timedelta(days=40), family_day - timedelta(days=40))
    approvals.approve(revision, manager, "预算合理，同意。")
    for approval in revision.approvals:
        approval.decided_at = _at(family_day - timedelta(days=38), 15)
    _dated(family, _at(family_day - timedelta(days=38), 15))
    _tasks_done_until(family, today, planner)  # all of them: the event and its review are over
    workflow.take(family, workflow.Step.COMPLETE, planner)
    _dated(family, _at(family_day + timedelta(days=1), 9))
    spent = {"venue": ("6350.00", "发票 No. 0231"), "catering": ("7080.00", "发票 No. 0232"),
             "gifts": ("4800.00", "发票 No. 0233"), "contingency": ("0.00", "")}
    actuals.record_actuals(family, planner, revision, {
        line.id: (Decimal(spent[line.category][0]), spent[line.category][1]) for line in revision.lines
    }, today)
    _dated(family, _at(family_day + timedelta(days=4), 14))

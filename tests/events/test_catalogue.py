"""The seeded event-type catalogue, admin edits, and the tier <-> type recommendations."""
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.errors import DomainError
from app.events import services
from app.events.catalogue import CATALOGUE
from app.events.models import (
    BUDGET_CATEGORIES,
    OWNER_ROLES,
    PHASE_WINDOWS,
    EventType,
    EventTypeBudgetLine,
    EventTypeTask,
    Phase,
)
from app.events.services import TIER_NEEDS
from app.extensions import db

# DOMAIN.md section 3; the mapping of groups that are not tiers is explained in app/events/catalogue.py.
EXPECTED_TIERS = {
    "banquet": ["high_value"],
    "training": ["growth"],
    "online_lottery": ["new", "general"],
    "care_visit": ["churn_risk"],
    "family_day": ["general"],
}
EXPECTED_NAMES = {
    "banquet": "专属答谢宴/沙龙",
    "training": "主题培训/研讨会",
    "online_lottery": "线上互动抽奖/打卡",
    "care_visit": "客户关怀走访",
    "family_day": "亲子/体验类活动",
}


@pytest.fixture
def catalogue(app):
    services.seed_catalogue()
    db.session.commit()
    return {t.code: t for t in services.list_types()}


def values(**changes):
    base = {"code": "vip_dinner", "name_zh": "贵宾晚宴", "name_en": "VIP dinner", "description_zh": "",
            "description_en": "", "tiers": ["high_value"], "active": True}
    return {**base, **changes}


def test_seed_has_the_five_types_with_names_and_tiers(catalogue):
    assert list(catalogue) == list(EXPECTED_TIERS)
    for code, event_type in catalogue.items():
        assert event_type.name_zh == EXPECTED_NAMES[code]
        assert event_type.name_en and event_type.description_zh and event_type.description_en
        assert event_type.tiers == EXPECTED_TIERS[code]
        assert event_type.active


def test_every_default_task_lies_inside_its_phase_window(catalogue):
    for event_type in catalogue.values():
        assert 6 <= len(event_type.tasks) <= 10, event_type.code
        assert {task.phase for task in event_type.tasks} == set(Phase)
        for task in event_type.tasks:
            low, high = PHASE_WINDOWS[Phase(task.phase)]
            assert low <= task.offset_days <= high, (event_type.code, task.title_en)
            assert task.owner_role in OWNER_ROLES and task.title_zh and task.title_en


def test_budget_lines_are_decimal_and_not_negative(catalogue):
    for event_type in catalogue.values():
        assert event_type.budget_lines
        for line in event_type.budget_lines:
            assert isinstance(line.quantity, Decimal) and isinstance(line.unit_price, Decimal)
            assert line.quantity >= 0 and line.unit_price >= 0
            assert line.category in BUDGET_CATEGORIES
        assert isinstance(event_type.budget_total, Decimal)
    # Catering as in the source: 200 per person x 50 people.
    dinner = next(line for line in catalogue["banquet"].budget_lines if line.description_en == "Banquet dinner")
    assert dinner.amount == Decimal("10000.00")
    assert catalogue["banquet"].budget_total == Decimal("38800.00")


def test_database_refuses_a_negative_budget_line(make_event_type):
    event_type = make_event_type()
    db.session.add(EventTypeBudgetLine(
        event_type_id=event_type.id, category="gifts", quantity=Decimal("1"), unit_price=Decimal("-5"),
        description_zh="礼品", description_en="Gift", unit_zh="份", unit_en="gift",
    ))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("phase, offset", [("preparation", -6), ("preparation", -61), ("execution", 4), ("review", 8)])
def test_database_refuses_a_task_outside_its_phase(make_event_type, phase, offset):
    event_type = make_event_type()
    db.session.add(EventTypeTask(event_type_id=event_type.id, phase=phase, offset_days=offset,
                                 owner_role="project_lead", title_zh="任务", title_en="Task"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_seed_is_idempotent_and_keeps_admin_edits(catalogue):
    banquet = catalogue["banquet"]
    services.update_type(banquet, values(name_zh="年度答谢宴", tiers=["high_value", "growth"], active=False))
    db.session.delete(catalogue["family_day"])
    db.session.commit()

    assert services.seed_catalogue() == 1  # only the deleted type comes back
    db.session.commit()
    assert services.seed_catalogue() == 0
    db.session.expire_all()
    banquet = services.get_type_by_code("banquet")
    assert (banquet.name_zh, banquet.tiers, banquet.active) == ("年度答谢宴", ["high_value", "growth"], False)
    assert db.session.scalar(select(db.func.count()).select_from(EventType)) == len(CATALOGUE)


@pytest.mark.parametrize("tier, codes", [
    ("high_value", ["banquet"]),
    ("growth", ["training"]),
    ("new", ["online_lottery"]),
    ("churn_risk", ["care_visit"]),
    ("general", ["online_lottery", "family_day"]),
])
def test_recommend_types_for_each_tier(catalogue, tier, codes):
    proposals = services.recommend_types([tier])
    assert [event_type.code for event_type, _matched, _reasons in proposals] == codes
    for _event_type, matched, reasons in proposals:
        assert matched == [tier] and reasons == [TIER_NEEDS[tier]]


def test_recommend_types_ranks_types_fitting_more_chosen_tiers_first(catalogue):
    proposals = services.recommend_types(["general", "new"])
    assert [(t.code, matched) for t, matched, _reasons in proposals] == [
        ("online_lottery", ["new", "general"]), ("family_day", ["general"]),
    ]
    assert proposals[0][2] == [TIER_NEEDS["new"], TIER_NEEDS["general"]]
    # The family day now fits both tiers too: a tie keeps the catalogue order.
    services.update_type(catalogue["family_day"], values(tiers=["general", "new"]))
    assert [t.code for t, _m, _r in services.recommend_types(["new", "general"])] == ["online_lottery", "family_day"]
    proposals = services.recommend_types(["high_value", "churn_risk"])
    assert [(t.code, matched) for t, matched, _r in proposals] == [("banquet", ["high_value"]), ("care_visit", ["churn_risk"])]


def test_inactive_types_and_no_tiers_propose_nothing(catalogue):
    assert services.recommend_types([]) == []
    services.update_type(catalogue["banquet"], values(active=False))
    assert services.recommend_types(["high_value"]) == []


@pytest.mark.parametrize("code", list(EXPECTED_TIERS))
def test_recommend_tiers_for_each_type_with_reasons(catalogue, code):
    proposals = services.recommend_tiers(catalogue[code])
    assert [tier for tier, _reason in proposals] == EXPECTED_TIERS[code]
    assert all(reason == TIER_NEEDS[tier] for tier, reason in proposals)


def test_each_tier_has_its_core_need_as_reason():
    assert "尊贵感" in str(TIER_NEEDS["high_value"])
    assert "性价比" in str(TIER_NEEDS["growth"])
    assert "问题解决" in str(TIER_NEEDS["churn_risk"])
    assert "建立信任" in str(TIER_NEEDS["new"])


def test_create_type_comes_last_and_update_changes_tiers(catalogue):
    created = services.create_type(values(description_en="  Private dinner  "))
    assert created.position > max(t.position for t in catalogue.values())
    assert created.tiers == ["high_value"] and created.description_en == "Private dinner"
    services.update_type(created, values(code="ignored", tiers=["new"], name_en="VIP evening"))
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(EventType, created.id)
    assert (again.code, again.name_en, again.tiers) == ("vip_dinner", "VIP evening", ["new"])


@pytest.mark.parametrize("changes, field", [
    ({"tiers": []}, "tiers"),
    ({"tiers": ["vip"]}, "tiers"),
    ({"name_zh": "  "}, "name_zh"),
    ({"name_en": ""}, "name_en"),
    ({"code": "Bad Code"}, "code"),
    ({"code": "banquet"}, "code"),
])
def test_create_type_refuses_bad_values(catalogue, changes, field):
    with pytest.raises(DomainError) as refused:
        services.create_type(values(**changes))
    assert refused.value.field == field


def test_flask_events_seed_command(app):
    runner = app.test_cli_runner()
    assert "5 event type(s) added." in runner.invoke(args=["events", "seed"]).output
    assert "0 event type(s) added." in runner.invoke(args=["events", "seed"]).output
    assert len(services.list_types()) == 5

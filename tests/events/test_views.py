"""The catalogue page, the admin form and the recommendation page."""
import pytest

from app.events import services
from app.events.models import EventType
from app.extensions import db


@pytest.fixture
def catalogue(app):
    services.seed_catalogue()
    db.session.commit()
    return {t.code: t for t in services.list_types()}


def form(**changes):
    data = {"name_zh": "年度答谢宴", "name_en": "Annual banquet", "description_zh": "高端私密",
            "description_en": "Private", "tiers": ["high_value", "growth"], "active": "y"}
    return {**data, **changes}


def test_catalogue_lists_the_types_with_tiers_budget_and_tasks(catalogue, client_as):
    page = client_as("planner").get("/events/types").get_data(as_text=True)
    for code in catalogue:
        assert f'data-testid="event-type-{code}"' in page
    assert "专属答谢宴/沙龙" in page and "Appreciation banquet / salon" in page
    assert "¥38,800.00" in page  # the banquet's default budget
    assert "Book a private high-end venue" in page and "T-35" in page and "T+2" in page
    assert "tier-high_value" in page and "Preparation" in page and "Review" in page
    assert "/events/types/new" not in page and "/edit" not in page  # planners do not edit


def test_inactive_types_show_only_to_admins(catalogue, client_as):
    catalogue["training"].active = False
    db.session.commit()
    assert 'event-type-training"' not in client_as("manager").get("/events/types").get_data(as_text=True)
    page = client_as("admin").get("/events/types").get_data(as_text=True)
    assert 'event-type-training"' in page and "Inactive" in page
    assert f'/events/types/{catalogue["training"].id}/edit' in page


def test_catalogue_page_runs_a_fixed_number_of_queries(catalogue, client_as, count_queries, make_event_type):
    client = client_as("planner")
    client.get("/events/types")
    with count_queries() as few:
        client.get("/events/types")
    for _ in range(4):
        make_event_type(tiers=("new", "growth"), budget_lines=[("gifts", 2, 10)],
                        tasks=[("preparation", -30, "customer_team"), ("review", 7, "planning_team")])
    with count_queries() as many:
        page = client.get("/events/types").get_data(as_text=True)
    assert page.count("event-type-card") == 9
    assert len(many) == len(few)


def test_admin_edits_names_tiers_and_active(catalogue, client_as):
    banquet = catalogue["banquet"]
    client = client_as("admin")
    page = client.get(f"/events/types/{banquet.id}/edit").get_data(as_text=True)
    assert 'checked class="form-check-input" id="tiers-0" name="tiers" type="checkbox" value="high_value"' in page and "Banquet dinner" in page  # lines shown read-only
    response = client.post(f"/events/types/{banquet.id}/edit", data=form(active="", code="renamed"))
    assert response.status_code == 302
    db.session.expire_all()
    banquet = db.session.get(EventType, banquet.id)
    assert (banquet.code, banquet.name_zh, banquet.tiers, banquet.active) == (
        "banquet", "年度答谢宴", ["high_value", "growth"], False)


def test_invalid_edit_keeps_the_input_and_shows_the_errors(catalogue, client_as):
    banquet = catalogue["banquet"]
    client = client_as("admin")
    response = client.post(f"/events/types/{banquet.id}/edit", data=form(name_zh="", name_en="Kept name"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "is-invalid" in page and 'value="Kept name"' in page
    # Names given but no tier: the service refuses, the error stands next to the tiers.
    page = client.post(f"/events/types/{banquet.id}/edit", data=form(tiers=[])).get_data(as_text=True)
    assert "Choose at least one tier the event type fits." in page and 'value="年度答谢宴"' in page
    db.session.expire_all()
    assert db.session.get(EventType, banquet.id).name_zh == "专属答谢宴/沙龙"


def test_admin_adds_a_type_and_a_duplicate_code_is_refused(catalogue, client_as):
    client = client_as("admin")
    assert client.post("/events/types/new", data=form(code="vip_dinner")).status_code == 302
    created = services.get_type_by_code("vip_dinner")
    assert created.tiers == ["high_value", "growth"] and created.position == 6
    page = client.post("/events/types/new", data=form(code="banquet")).get_data(as_text=True)
    assert "An event type with this code exists already." in page and 'value="banquet"' in page


def test_recommend_page_proposes_types_for_tiers_with_reasons(catalogue, client_as):
    page = client_as("manager").get("/events/recommend?tier=general&tier=new").get_data(as_text=True)
    assert page.index('proposed-online_lottery') < page.index('proposed-family_day')
    assert "fits 2 of 2 chosen tiers" in page
    assert "Building trust (建立信任)" in page and "Light-touch engagement" in page
    assert 'proposed-banquet' not in page


def test_recommend_page_proposes_tiers_for_a_type(catalogue, client_as):
    page = client_as("planner").get("/events/recommend?type=care_visit").get_data(as_text=True)
    assert 'data-testid="proposed-tiers"' in page and "Problem solving (问题解决)" in page
    assert "Prestige" not in page


def test_recommend_page_ignores_unknown_values(catalogue, client_as):
    response = client_as("planner").get("/events/recommend?tier=vip&type=nope")
    assert response.status_code == 200
    assert "proposed-" not in response.get_data(as_text=True)


def test_recommend_forms_keep_the_other_choice(catalogue, client_as):
    page = client_as("planner").get("/events/recommend?tier=growth&type=training").get_data(as_text=True)
    assert '<input type="hidden" name="type" value="training">' in page
    assert '<input type="hidden" name="tier" value="growth">' in page

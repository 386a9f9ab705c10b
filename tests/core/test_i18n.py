from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date

from app.core.formatting import money
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD


def html_lang(response):
    page = response.get_data(as_text=True)
    return page[page.index('<html lang="') + 12 : page.index('">', page.index('<html lang="'))]


def test_browser_language_picks_chinese(client):
    assert html_lang(client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})) == "zh-CN"
    assert html_lang(client.get("/login", headers={"Accept-Language": "en-US"})) == "en"
    assert html_lang(client.get("/login", headers={"Accept-Language": "fr"})) == "en"


def test_chinese_catalogue_is_used(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "登录" in page
    assert "Sign in to Rapport" not in page


def test_language_switch_is_remembered(client):
    response = client.post("/language/zh", data={"next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert "lang=zh" in response.headers["Set-Cookie"]
    assert html_lang(client.get("/login", headers={"Accept-Language": "en"})) == "zh-CN"
    client.post("/language/en", data={"next": "/login"})
    assert html_lang(client.get("/login", headers={"Accept-Language": "zh"})) == "en"


def test_language_switch_refuses_foreign_redirects_and_unknown_codes(client):
    assert client.post("/language/zh", data={"next": "https://evil.example/"}).location == "/"
    response = client.post("/language/xx", data={"next": "/login"})
    assert response.status_code == 302 and "Set-Cookie" not in response.headers


def test_signed_in_choice_is_saved_on_the_account(client_as):
    client = client_as("planner")
    client.post("/language/zh", data={"next": "/"})
    db.session.refresh(client.user)
    assert client.user.locale == "zh"
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "zh-CN"


def test_query_parameter_overrides(client):
    assert html_lang(client.get("/login?lang=zh")) == "zh-CN"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234.5"), "¥1,234.50"),
        (Decimal("46200"), "¥46,200.00"),
        (Decimal("0.005"), "¥0.01"),
        (Decimal("-4200"), "-¥4,200.00"),
        ("12000.10", "¥12,000.10"),
        (None, ""),
    ],
)
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_money_format(app, amount, text, locale):
    with app.test_request_context(), force_locale(locale):
        assert money(amount) == text


def test_dates_follow_locale(app):
    from datetime import date

    with app.test_request_context():
        with force_locale("zh"):
            assert format_date(date(2026, 11, 23), "long") == "2026年11月23日"
        with force_locale("en"):
            assert format_date(date(2026, 11, 23), "long") == "November 23, 2026"


def test_lists_are_joined_the_way_each_language_writes_them(app):
    from app.core.formatting import listing

    with app.test_request_context():
        with force_locale("zh"):
            assert listing(["高价值客户", "流失风险客户"]) == "高价值客户、流失风险客户"
        with force_locale("en"):
            assert listing(["a", "b", "c"]) == "a, b, c"


def test_a_new_user_keeps_the_language_of_their_first_sign_in(client, make_user):
    """No saved language: the sign-in page speaks the browser's, and so does the account
    from then on (pages on another browser, e-mails), until the user chooses another."""
    user = make_user(email="new@example.com", locale=None)
    response = client.post("/login", data={"email": "new@example.com", "password": DEFAULT_PASSWORD},
                           headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "zh-CN"})) == "en"


def test_a_chinese_browser_gives_a_new_user_chinese(client, make_user):
    user = make_user(email="zh-new@example.com", locale=None)
    client.post("/login", data={"email": "zh-new@example.com", "password": DEFAULT_PASSWORD},
                headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    db.session.refresh(user)
    assert user.locale == "zh"


def test_sign_in_keeps_a_saved_language(client, make_user):
    user = make_user(email="saved@example.com", locale="zh")
    client.post("/login", data={"email": "saved@example.com", "password": DEFAULT_PASSWORD},
                headers={"Accept-Language": "en"})
    db.session.refresh(user)
    assert user.locale == "zh"
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "zh-CN"


def test_the_demo_has_an_english_speaking_planner(app, client):
    from app.core import demo

    demo.load()
    email, name, password, roles, locale = next(account for account in demo.DEMO_ACCOUNTS if account[4] == "en")
    assert [role.value for role in roles] == ["planner"]
    client.post("/login", data={"email": email, "password": password}, headers={"Accept-Language": "zh-CN"})
    home = client.get("/", headers={"Accept-Language": "zh-CN"})
    assert html_lang(home) == "en"
    assert email in demo.accounts_text() and "English" in demo.accounts_text()

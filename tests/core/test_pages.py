import pytest
from sqlalchemy import text

from app.extensions import db


def test_error_pages_in_both_languages(client_as):
    client = client_as("staff")
    en = client.get("/admin/users", headers={"Accept-Language": "en"})
    assert en.status_code == 403 and "Access denied" in en.get_data(as_text=True)
    client.user.locale = "zh"
    db.session.commit()
    zh = client.get("/admin/users")
    assert zh.status_code == 403 and "无权访问" in zh.get_data(as_text=True)
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and "页面不存在" in missing.get_data(as_text=True)


def test_500_page_is_friendly(make_app, client_as):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    from app.auth.access import public

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_bootstrap_is_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn." not in page and "jsdelivr" not in page
    assert client.get("/bootstrap/static/js/bootstrap.min.js").status_code == 200
    assert client.get("/bootstrap/static/css/font/bootstrap-icons.min.css").status_code == 200


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"

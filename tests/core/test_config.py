"""Settings that follow the development server: `make run` with another PORT."""
import pytest

from app.config import load_config


@pytest.fixture
def environment(monkeypatch):
    for name in ("BASE_URL", "PORT", "RAPPORT_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "config-test")
    return monkeypatch


def test_development_links_follow_the_port(environment, tmp_path):
    environment.setenv("PORT", "5101")
    assert load_config(tmp_path)["BASE_URL"] == "http://127.0.0.1:5101"


def test_development_links_default_to_port_5000(environment, tmp_path):
    assert load_config(tmp_path)["BASE_URL"] == "http://127.0.0.1:5000"


def test_base_url_wins_over_the_port(environment, tmp_path):
    environment.setenv("PORT", "5101")
    environment.setenv("BASE_URL", "https://rapport.example.com/")
    assert load_config(tmp_path)["BASE_URL"] == "https://rapport.example.com"


def test_production_ignores_the_port(environment, tmp_path):
    """Behind a proxy the server's port is not the address guests open."""
    environment.setenv("PORT", "8000")
    assert load_config(tmp_path, {"RAPPORT_ENV": "production"})["BASE_URL"] == "http://127.0.0.1:5000"

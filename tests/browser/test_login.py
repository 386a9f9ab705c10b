"""Signing in and out through the real pages, on desktop and on a phone.

UI strings are not asserted in Chinese (the catalogue may not be compiled):
the checks use URLs, data-testid, ids and the <html lang> attribute.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, ENGLISH_ADMIN, PHONE, login

ROLES = ("admin", "planner", "manager", "staff")
USERS_LINK = '#main-nav a[href="/admin/users"]'


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_sees_its_home_and_signs_out(page, live_url, role):
    email, name, password = DEMO[role]
    login(page, live_url, email, password)

    expect(page).to_have_url(f"{live_url}/")
    # The demo accounts have Chinese saved: it wins over the browser's en-US.
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main h1")).to_contain_text(name)
    expect(page.get_by_test_id(f"role-card-{role}")).to_be_visible()
    expect(page.locator("[data-testid^=role-card-]")).to_have_count(1)
    # Desktop: the menu is open, no toggler.
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    if role == "admin":
        expect(page.locator(USERS_LINK)).to_be_visible()
    else:
        expect(page.locator(USERS_LINK)).to_have_count(0)

    expect(page.get_by_test_id("logout")).to_be_hidden()
    page.click("#user-menu")
    expect(page.get_by_test_id("logout")).to_be_visible()
    page.get_by_test_id("logout").click()

    expect(page).to_have_url(f"{live_url}/login")
    expect(page.locator("#email")).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)
    # Really signed out: the home page sends us back to the login form.
    page.goto(f"{live_url}/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))


def test_wrong_password_stays_on_login_with_an_error_and_the_email(page, live_url):
    email = DEMO["planner"][0]
    login(page, live_url, email, "not-the-password")

    expect(page).to_have_url(f"{live_url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#password")).to_have_class(re.compile(r"\bis-invalid\b"))
    error = page.locator(".invalid-feedback")
    expect(error).to_have_count(1)
    expect(error).to_be_visible()
    expect(error).to_contain_text("Wrong e-mail or password")
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#password")).to_have_value("")  # never sent back
    expect(page.locator("#user-menu")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_phone_shows_the_toggler_and_the_menu_opens(page, live_url):
    email, name, password, _roles, _locale = ENGLISH_ADMIN
    login(page, live_url, email, password)
    expect(page).to_have_url(f"{live_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#main-nav")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator(USERS_LINK)).to_be_visible()
    expect(page.locator("#user-menu")).to_contain_text(name)

    # The user menu works inside the opened menu too.
    page.locator("#user-menu").click()
    expect(page.get_by_test_id("logout")).to_be_visible()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{live_url}/login")
    # Signed out, the navbar has no menu to toggle.
    expect(page.locator(".navbar-toggler")).to_have_count(0)

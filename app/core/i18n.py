"""Language choice: the ?lang= switch (remembered in a cookie), a page's own language
(`g.page_locale`: a guest's RSVP page speaks the invitation's), the user's own setting,
then the browser's Accept-Language."""
from flask import current_app, g, has_request_context, request
from flask_babel import Domain
from flask_babel import _get_current_context as babel_context
from flask_login import current_user

LANG_COOKIE = "lang"


def select_locale():
    if not has_request_context():  # tasks and commands choose with force_locale
        return None
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    if g.get("page_locale") in languages:
        return g.page_locale
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response, code):
    response.set_cookie(
        LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
    )
    return response


class RequestDomain(Domain):
    """Flask-Babel's message domain, keeping the request's translations where Flask-Babel's
    own `refresh` and `force_locale` reset them (`babel_translations`) rather than looking
    them up again, locale and all, for each of a page's strings."""

    def get_translations(self):
        context = babel_context()
        translations = getattr(context, "babel_translations", None)
        if translations is None:
            translations = super().get_translations()
            if context is not None:
                context.babel_translations = translations
        return translations


def install_request_domain(app):
    configuration = app.extensions["babel"]
    configuration.instance.domain_instance = RequestDomain(domain=configuration.default_domain)

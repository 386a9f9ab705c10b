"""Every user-facing string is in the Chinese catalogue, and the catalogue is current."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages():
    found = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.txt": {}, "templates/**.html": {}}
    ):
        if filename.startswith(("app/", "templates/")):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated_to_chinese():
    with open(ROOT / "app/translations/zh/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="zh")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - translated)
    assert missing == [], "run `make extract-messages` and translate these in app/translations/zh: %s" % missing


def test_no_message_is_marked_inside_an_f_string():
    """Babel does not look inside f-strings: a `_("...")` there is never extracted, and the
    catalogue update would drop its translation."""
    import re
    import tokenize

    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        with open(path, "rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                prefix = re.match(r"[A-Za-z]*", token.string).group(0).lower()
                if token.type == tokenize.STRING and "f" in prefix and re.search(r"\b(_|_l|gettext)\(", token.string):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert found == [], "move these translated strings out of the f-string: %s" % found

"""What a guest reads of a plan, in the guest's language: the plan's own (Chinese) title, venue,
address, dress code and content, or for an English-speaking guest their English versions where the planner gave
them, each falling back to the main text on its own."""
from dataclasses import dataclass

from app.events.plan_models import MAIN_LOCALE


@dataclass(frozen=True)
class GuestText:
    title: str
    venue: str  # "" when the plan names no venue
    content: str  # the content and run of show
    online: bool
    address: str = ""  # the venue's street address
    dress_code: str = ""

    @property
    def location(self):
        """Venue and address on one line ("" when neither): the calendar file's LOCATION."""
        return ", ".join(part for part in (self.venue, self.address) if part)


def for_guest(plan, locale):
    """The guest-facing texts of `plan` for a guest speaking `locale` ("zh" or "en")."""
    english = str(locale) != MAIN_LOCALE and str(locale).startswith("en")

    def text(field):
        main = getattr(plan, field) or ""
        return (getattr(plan, f"{field}_en") or "").strip() or main if english else main

    return GuestText(title=text("title"), venue=text("venue"), content=text("content"), online=plan.online,
                     address=text("address"), dress_code=text("dress_code"))

"""Who may use the door's routes (see tests/auth/test_route_access.py). route_ids' plan has no
door staff: planners and admins check in at every event, managers and staff only where they are
door staff on the team (tests/checkin/test_access.py). The JSON endpoints get an empty form here:
refused as malformed (400/422) once the access check has let the visitor through."""
from tests.access import WHO, only

DOOR = "/door/plans/{plan_id}"
SETUP = "/events/plans/{plan_id}/door"


def door(allowed):
    return only("admin", "planner", allowed=allowed, anonymous=403)


ACCESS = {
    # A guest's own RSVP link is not a helper link: nobody opens a door with it.
    ("checkin.open_link", "GET"): ("/door/link/{rsvp_token}", dict.fromkeys(WHO, 404)),
    ("checkin.scanner", "GET"): (DOOR, only("admin", "planner")),
    ("checkin.scan", "POST"): (DOOR + "/scan", door(400)),
    ("checkin.check_in_guest", "POST"): (DOOR + "/guest", door(422)),
    ("checkin.search_guests", "GET"): (DOOR + "/search", door(422)),
    ("checkin.search_customers", "GET"): (DOOR + "/customers", door(422)),
    ("checkin.walk_in", "POST"): (DOOR + "/walk-in", door(422)),
    ("checkin.undo", "POST"): (DOOR + "/undo", door(422)),
    ("checkin.tally", "GET"): (DOOR + "/tally", door(200)),
    ("checkin.door_setup", "GET"): (SETUP, only("admin", "planner")),
    ("checkin.create_link", "POST"): (SETUP + "/links", only("admin", "planner", allowed=422)),
    # No such link: the editors get 404, the others never get that far.
    ("checkin.revoke_link", "POST"): (SETUP + "/links/999999/revoke", only("admin", "planner", allowed=404)),
    ("checkin.door_settings", "POST"): (SETUP + "/settings", only("admin", "planner", allowed=302)),
    # The API answers only to API tokens: the test clients send none.
    ("api_checkin.check_in", "POST"): ("/api/v1/plans/{plan_id}/checkins", dict.fromkeys(WHO, 401)),
}

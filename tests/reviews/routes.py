"""Who may use the reviews' routes (see tests/auth/test_route_access.py). The survey's setup is the
planners' and admins'; its results are also the managers'. A guest's RSVP token is not a survey
link: nobody opens the survey with it."""
from tests.access import WHO, only

SURVEY = "/events/plans/{plan_id}/survey"

ACCESS = {
    ("reviews.survey", "GET"): ("/survey/{rsvp_token}", dict.fromkeys(WHO, 404)),
    ("reviews.survey", "POST"): ("/survey/{rsvp_token}", dict.fromkeys(WHO, 404)),
    ("reviews.setup", "GET"): (SURVEY, only("admin", "planner")),
    ("reviews.add_question", "POST"): (SURVEY + "/questions", only("admin", "planner", allowed=422)),
    # No such question: refused by the service once the access check has let the editor through.
    ("reviews.edit_question", "POST"): (SURVEY + "/questions/999999", only("admin", "planner", allowed=422)),
    ("reviews.remove_question", "POST"): (SURVEY + "/questions/999999/remove", only("admin", "planner", allowed=422)),
    ("reviews.open_survey", "POST"): (SURVEY + "/open", only("admin", "planner", allowed=302)),
    ("reviews.close_survey", "POST"): (SURVEY + "/close", only("admin", "planner", allowed=422)),
    ("reviews.results", "GET"): (SURVEY + "/results", only("admin", "planner", "manager")),
}

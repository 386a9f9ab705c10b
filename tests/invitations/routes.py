"""Who may use the invitation routes (see tests/auth/test_route_access.py)."""
from tests.access import ANYONE, WHO, only

VIEWERS = only("admin", "planner", "manager")
EDITORS = only("admin", "planner")
EDITORS_REDIRECT = only("admin", "planner", allowed=302)
# The API answers only to API tokens: the test clients send none, so 401 for all.
API = dict.fromkeys(WHO, 401)

ACCESS = {
    ("invitations.guests", "GET"): ("/events/plans/{plan_id}/guests", VIEWERS),
    ("invitations.guest_dashboard", "GET"): ("/events/plans/{plan_id}/guests/dashboard", VIEWERS),
    ("invitations.build_guests", "POST"): ("/events/plans/{plan_id}/guests/build", EDITORS_REDIRECT),
    ("invitations.add_customer", "POST"): ("/events/plans/{plan_id}/guests/add", EDITORS_REDIRECT),
    # An empty contact form shows its errors on the guest list page.
    ("invitations.add_contact", "POST"): ("/events/plans/{plan_id}/guests/contact", EDITORS),
    ("invitations.guest_settings", "GET"): ("/events/plans/{plan_id}/guests/settings", EDITORS),
    ("invitations.guest_settings", "POST"): ("/events/plans/{plan_id}/guests/settings", EDITORS),
    ("invitations.remove_guest", "POST"): ("/events/plans/{plan_id}/guests/{invitation_id}/remove", EDITORS_REDIRECT),
    ("invitations.include_guest", "POST"): ("/events/plans/{plan_id}/guests/{invitation_id}/include",
                                            EDITORS_REDIRECT),
    ("invitations.move_guest", "POST"): ("/events/plans/{plan_id}/guests/{invitation_id}/move", EDITORS_REDIRECT),
    # A new personal link: asked first (GET), then replaced and shown (POST).
    ("invitations.reissue_link", "GET"): ("/events/plans/{plan_id}/guests/{invitation_id}/new-link", EDITORS),
    ("invitations.reissue_link", "POST"): ("/events/plans/{plan_id}/guests/{invitation_id}/new-link", EDITORS),
    # The guest's pages by personal link: the same answer whoever asks (an empty POST shows errors).
    ("invitations.rsvp", "GET"): ("/rsvp/{rsvp_token}", ANYONE),
    ("invitations.rsvp", "POST"): ("/rsvp/{rsvp_token}", ANYONE),
    ("invitations.rsvp_ics", "GET"): ("/rsvp/{rsvp_token}/event.ics", ANYONE),
    # The QR code exists only once the guest has accepted; route_ids' guest has not answered.
    ("invitations.rsvp_qr", "GET"): ("/rsvp/{rsvp_token}/qr.png", dict.fromkeys(WHO, 404)),
    # Sending: planners and admins send, managers follow the progress.
    ("invitations.send_invitations", "POST"): ("/events/plans/{plan_id}/guests/send", EDITORS_REDIRECT),
    # Without the confirmation, the reminder's POST shows the confirmation step.
    ("invitations.send_reminder_now", "GET"): ("/events/plans/{plan_id}/reminders/send", EDITORS),
    ("invitations.send_reminder_now", "POST"): ("/events/plans/{plan_id}/reminders/send", EDITORS),
    ("invitations.send_job", "GET"): ("/events/plans/{plan_id}/sends/{send_job_id}", VIEWERS),
    ("invitations.send_progress", "GET"): ("/events/plans/{plan_id}/sends/{send_job_id}/progress", VIEWERS),
    ("invitations.retry_send", "POST"): ("/events/plans/{plan_id}/sends/{send_job_id}/retry", EDITORS_REDIRECT),
    # A message that is not 'unknown': the decision is refused with a message, back to the progress page.
    ("invitations.resolve_message", "POST"): ("/events/plans/{plan_id}/sends/{send_job_id}/messages/1/sent",
                                              EDITORS_REDIRECT),
    ("invitations.invitation_template", "GET"): ("/events/plans/{plan_id}/invitation-template", EDITORS),
    # An empty template is valid: every text falls back to the default.
    ("invitations.invitation_template", "POST"): ("/events/plans/{plan_id}/invitation-template", EDITORS_REDIRECT),
    ("invitations.invitation_preview", "GET"): ("/events/plans/{plan_id}/invitation-template/preview", EDITORS),
    ("invitations.invitation_preview_html", "GET"): ("/events/plans/{plan_id}/invitation-template/preview/zh.html",
                                                     EDITORS),
    ("invitations.export_guests_csv", "GET"): ("/events/plans/{plan_id}/guests/export.csv", EDITORS),
    ("invitations.export_guests_xlsx", "GET"): ("/events/plans/{plan_id}/guests/export.xlsx", EDITORS),
    ("invitations.guest_cards", "GET"): ("/events/plans/{plan_id}/guests/cards.pdf", EDITORS),
    ("api_invitations.list_guests", "GET"): ("/api/v1/plans/{plan_id}/guests", API),
    ("api_invitations.guest_summary", "GET"): ("/api/v1/plans/{plan_id}/guests/summary", API),
    ("api_invitations.send_invitations", "POST"): ("/api/v1/plans/{plan_id}/guests/send", API),
}

"""Guest lists, invitations with their personal links and QR codes, RSVP, reminders."""

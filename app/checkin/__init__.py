"""The door: check-ins, scan attempts, helper links and the scanner page."""

"""Shared ground of every package: clock, errors, formatting, languages, security, the API base, the home page, demo data."""

"""Outgoing e-mail: building, rendering in the reader's language, and sending."""

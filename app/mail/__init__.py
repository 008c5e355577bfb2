"""Outgoing email: building RFC 5322 messages and handing them to an SMTP server."""

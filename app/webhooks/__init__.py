"""Signed webhooks: endpoints that admins register, an outbox of deliveries, the worker
that sends them with retries."""

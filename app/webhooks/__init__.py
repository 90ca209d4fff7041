"""Signed, retried webhooks fed from the outbox."""

"""Outgoing email through SMTP (or the log when SMTP_URL is unset)."""

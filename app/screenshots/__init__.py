"""Screenshots of the page a visitor is on, rendered in Chromium behind the SSRF check."""

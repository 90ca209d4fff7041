"""Canned responses: saved replies agents insert with a shortcut."""

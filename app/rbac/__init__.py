"""Roles inside a project: MANAGER > AGENT, checked by one guard."""

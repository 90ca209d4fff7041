"""Tenants: projects, their members, invitations and API keys."""

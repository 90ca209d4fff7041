"""Accounts: the people who sign in to the dashboard."""

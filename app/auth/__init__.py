"""Authentication: tokens for agents, API keys for integrations."""

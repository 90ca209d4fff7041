"""Presence: who is connected (agents and visitors), on which socket namespace, and closing their sockets."""

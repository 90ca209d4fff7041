"""Real sockets against the live server (the realtime suite's fixtures)."""

from tests.realtime.conftest import connect_agent, rest, sockets  # noqa: F401  (fixtures pytest finds by name)

"""The project roles and the one guard that compares them."""
from __future__ import annotations

from enum import Enum

from app.core.errors import Forbidden


class Role(str, Enum):
    AGENT = "AGENT"
    MANAGER = "MANAGER"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def includes(self, other: "Role") -> bool:
        """A manager can do everything an agent can."""
        return self.rank >= other.rank


_RANK = {Role.AGENT: 1, Role.MANAGER: 2}


def require(role: Role, minimum: Role) -> None:
    """403 unless `role` is at least `minimum`."""
    if not role.includes(minimum):
        raise Forbidden(f"This needs the {minimum.value} role in this project.", code="insufficient_role")

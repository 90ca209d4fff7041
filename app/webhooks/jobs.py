"""RQ jobs of webhooks (queue "webhooks")."""
from __future__ import annotations

from app.webhooks import service


def attempt_delivery(delivery_id: int, is_manual: bool = False) -> None:
    """One attempt of a delivery; finished deliveries are left alone."""
    service.attempt(delivery_id, is_manual)

"""2FA helpers: enrol an account with a code computed here, as an authenticator app would."""
from __future__ import annotations

import time

import pyotp
import pytest


def code_at(secret: str, step_offset: int = 0) -> str:
    """The TOTP code of the current time step plus `step_offset` (±1 is accepted by the server)."""
    totp = pyotp.TOTP(secret)
    if totp.interval - time.time() % totp.interval < 2:
        time.sleep(2.5)  # not at a step boundary, so the server judges the step meant here
    return totp.at(int(time.time()) + step_offset * totp.interval)


@pytest.fixture
def enrol_2fa(api):
    """Turn 2FA on for a make_user body; returns (secret, recovery codes). Uses the previous step's code,
    so the current and next steps stay free for the test."""

    def enrol(user: dict) -> tuple[str, list[str]]:
        setup = api.post("/me/2fa/setup", token=user["access_token"])
        assert setup.status_code == 200, setup.json
        secret = setup.json["secret"]
        enabled = api.post("/me/2fa/enable", json={"code": code_at(secret, -1)}, token=user["access_token"])
        assert enabled.status_code == 200, enabled.json
        return secret, enabled.json["recovery_codes"]

    return enrol

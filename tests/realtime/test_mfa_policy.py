"""A project that requires 2FA keeps members without it off its /agent rooms."""
import pyotp
import pytest

from tests.realtime.conftest import ConnectionRefused


def _enrol(rest_api, user):
    secret = rest_api.post("/me/2fa/setup", token=user["access_token"]).json["secret"]
    response = rest_api.post("/me/2fa/enable", json={"code": pyotp.TOTP(secret).now()}, token=user["access_token"])
    assert response.status_code == 200, response.json


def test_agent_socket_is_refused_without_2fa_when_the_project_requires_it(api, make_project, add_member,
                                                                        connect_agent):
    project, manager = make_project()
    agent = add_member(project, manager)
    _enrol(api, manager)
    assert api.patch(f"/projects/{project['id']}", json={"require_2fa": True},
                     token=manager["access_token"]).status_code == 200
    with pytest.raises(ConnectionRefused) as refused:
        connect_agent(agent)
    assert refused.value.args[0]["data"]["code"] == "mfa_enrolment_required"
    assert connect_agent(manager).sio.connected
    _enrol(api, agent)
    assert connect_agent(agent).sio.connected

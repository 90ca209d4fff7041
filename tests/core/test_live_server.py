"""The real web process (gevent pywsgi) serves the API in both modes."""
import requests


def test_live_server_serves_the_api(live_server):
    ready = requests.get(f"{live_server}/readyz", timeout=5)
    assert ready.status_code == 200
    registered = requests.post(
        f"{live_server}/api/v1/auth/register",
        json={"email": "live@example.com", "password": "long enough pw", "name": "Live"},
        timeout=10,
    )
    assert registered.status_code == 201
    me = requests.get(
        f"{live_server}/api/v1/me", headers={"Authorization": f"Bearer {registered.json()['access_token']}"}, timeout=5
    )
    assert me.json()["email"] == "live@example.com"

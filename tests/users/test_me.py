"""The signed-in user: /api/v1/me."""


def test_password_change_needs_the_current_password(api, make_user):
    user = make_user()
    response = api.post(
        "/me/password",
        json={"current_password": "wrong one", "new_password": "another secret"},
        token=user["access_token"],
    )
    assert response.status_code == 401
    assert api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).status_code == 200


def test_update_my_name(api, make_user):
    user = make_user(name="Old")
    response = api.patch("/me", json={"name": "New"}, token=user["access_token"])
    assert response.status_code == 200
    assert api.get("/me", token=user["access_token"]).json["name"] == "New"

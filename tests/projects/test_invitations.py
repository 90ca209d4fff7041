"""Invitations: emailed, single-use, expiring, bound to one email address."""
import uuid
from datetime import timedelta

from sqlalchemy import update

from app.core.db import utcnow
from app.extensions import db
from app.projects.models import Invitation
from tests.helpers import text_body


def _invite(api, project, manager, email, role="AGENT"):
    response = api.post(
        f"/projects/{project['id']}/invitations", json={"email": email, "role": role}, token=manager["access_token"]
    )
    assert response.status_code == 201, response.json
    return response.json


def _token(invitation: dict) -> str:
    return invitation["accept_url"].rsplit("/", 1)[1]


def test_invitation_is_emailed_through_the_mail_job(api, make_project, smtp_sink, rq_worker):
    project, manager = make_project(name="Mailers")
    address = f"New.Agent.{uuid.uuid4().hex[:8]}@Example.com"
    invitation = _invite(api, project, manager, address)
    assert invitation["email"] == address.lower()
    assert invitation["accept_url"].startswith("http://127.0.0.1:5999/invitations/")

    mail = smtp_sink.wait_for(address.lower())
    assert "Mailers" in mail["Subject"]
    assert invitation["accept_url"] in text_body(mail)


def test_accepting_makes_the_invitee_a_member_with_the_role(api, make_project, make_user):
    project, manager = make_project()
    invitee = make_user()
    invitation = _invite(api, project, manager, invitee["email"], role="MANAGER")
    accepted = api.post(f"/invitations/{_token(invitation)}/accept", token=invitee["access_token"])
    assert accepted.status_code == 200
    assert accepted.json["project"]["id"] == project["id"]
    assert api.get(f"/projects/{project['id']}", token=invitee["access_token"]).json["role"] == "MANAGER"
    assert api.get(f"/projects/{project['id']}/invitations", token=manager["access_token"]).json["items"] == []


def test_accept_by_another_email_is_refused(api, make_project, make_user):
    project, manager = make_project()
    invitation = _invite(api, project, manager, "meant-for@example.com")
    intruder = make_user()
    response = api.post(f"/invitations/{_token(invitation)}/accept", token=intruder["access_token"])
    assert response.status_code == 403
    assert response.json["error"]["code"] == "invitation_email_mismatch"
    assert api.get(f"/projects/{project['id']}", token=intruder["access_token"]).status_code == 404


def test_invitation_cannot_be_used_twice(api, make_project, make_user, add_member):
    project, manager = make_project()
    invitee = make_user()
    invitation = _invite(api, project, manager, invitee["email"])
    assert api.post(f"/invitations/{_token(invitation)}/accept", token=invitee["access_token"]).status_code == 200
    again = api.post(f"/invitations/{_token(invitation)}/accept", token=invitee["access_token"])
    assert again.status_code == 409
    assert again.json["error"]["code"] == "invitation_already_used"


def test_expired_invitation_is_refused(api, app, make_project, make_user):
    project, manager = make_project()
    invitee = make_user()
    invitation = _invite(api, project, manager, invitee["email"])
    with app.app_context():
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation["id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    response = api.post(f"/invitations/{_token(invitation)}/accept", token=invitee["access_token"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invitation_expired"
    assert api.get(f"/projects/{project['id']}", token=invitee["access_token"]).status_code == 404


def test_revoked_invitation_is_refused(api, make_project, make_user):
    project, manager = make_project()
    invitee = make_user()
    invitation = _invite(api, project, manager, invitee["email"])
    assert (
        api.delete(
            f"/projects/{project['id']}/invitations/{invitation['id']}", token=manager["access_token"]
        ).status_code
        == 204
    )
    response = api.post(f"/invitations/{_token(invitation)}/accept", token=invitee["access_token"])
    assert response.status_code == 404


def test_unknown_token_is_404(api, make_user):
    response = api.post("/invitations/not-a-real-token/accept", token=make_user()["access_token"])
    assert response.status_code == 404


def test_token_is_stored_hashed(api, app, make_project):
    project, manager = make_project()
    invitation = _invite(api, project, manager, "hash@example.com")
    with app.app_context():
        stored = db.session.get(Invitation, invitation["id"])
        assert _token(invitation) not in stored.token_hash


def test_inviting_an_existing_member_is_a_conflict(api, make_project):
    project, manager = make_project()
    response = api.post(
        f"/projects/{project['id']}/invitations", json={"email": manager["email"]}, token=manager["access_token"]
    )
    assert response.status_code == 409

"""Audit trail: who did what to which target, with secrets redacted.

How to audit a new route — one decorator under the blueprint's:

    @bp.patch("/projects/<int:project_id>/webhooks/<int:webhook_id>")
    @authenticated
    @auditable("webhook.update", target="webhook")          # id from the `webhook_id` view arg
    @documented(...)
    def update_webhook(project_id, webhook_id): ...

- `target="webhook"` takes the id from the view arg `webhook_id`, or, when there is
  none (a create), from the `id` of the JSON response. `target=("member", "user_id")`
  names the view arg explicitly; `target=None` records no target.
- The project is the view arg `project_id`; the actor is the request's principal
  (user or API key). `changes` defaults to the JSON body's fields as `[None, value]`;
  a service that knows the before values calls `audit.record(...)`, and inside an
  audited request its changes are merged into the route's entry.
- Only successful (2xx/3xx) responses are recorded. Secret fields are redacted by
  name (password, token, secret, code, key, recovery).
- A route that must not be audited says why: `@audit_exempt("read-only resend of …")`.
  A route whose entries its service writes itself: `@audited_in_service("auth.login")`.
  `tests/audit/test_meta.py` fails for any POST/PUT/PATCH/DELETE route with none of these.
- Outside a request (socket handlers, jobs) services call
  `audit.record(action, project_id=…, target=(type, id), changes=…, actor=("user", id))`.

Writing is fail-open: the entry goes through its own connection after the work is
done; if that fails the request still succeeds and the entry is logged.
"""
from app.audit.service import (  # noqa: F401
    audit_exempt,
    auditable,
    audited_in_service,
    diff,
    failed_sign_in,
    record,
    security_event,
)

"""Rules of a project: check what the schemas cannot (members, webhook endpoints), then store. Each commits once."""
from __future__ import annotations

from sqlalchemy import func, select

from app.actions import clock, schemas
from app.actions.models import ActionRule, ActionRun
from app.actions.schemas import RuleCreate, RuleUpdate
from app.actions.templates import BY_KEY, TEMPLATES
from app.core.errors import NotFound, Unprocessable
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import get_or_404, scoped
from app.extensions import db
from app.projects import service as projects
from app.projects.models import Project
from app.webhooks import service as webhooks


def list_rules(project: Project, page: PageQuery) -> tuple[list[ActionRule], str | None]:
    """The project's rules in the order they run."""
    return paginate(scoped(ActionRule, project.id), [ActionRule.position, ActionRule.id], page, descending=False)


def get_rule(project: Project, rule_id: int) -> ActionRule:
    """A rule of the project, or 404."""
    return get_or_404(ActionRule, rule_id, project.id)


def _next_position(project: Project) -> int:
    last = db.session.scalar(select(func.max(ActionRule.position)).where(ActionRule.project_id == project.id))
    return 0 if last is None else last + 1


def _check_references(project: Project, effects: list) -> None:
    """The members and webhook endpoints the effects name belong to the project (a 422 naming the effect)."""
    member_ids: set[int] | None = None
    for index, effect in enumerate(effects):
        if isinstance(effect, schemas.RuleAssignEffect) and effect.agent_id is not None:
            if member_ids is None:
                member_ids = set(projects.member_user_ids(project.id))
            if effect.agent_id not in member_ids:
                raise Unprocessable(f"effects[{index}].agent_id: user {effect.agent_id} is not a member of this "
                                    "project", code="invalid_rule", details={"field": f"effects[{index}].agent_id"})
        if isinstance(effect, schemas.RuleWebhookEffect):
            try:
                webhooks.get_webhook(project, effect.webhook_id)
            except NotFound:
                raise Unprocessable(f"effects[{index}].webhook_id: webhook {effect.webhook_id} is not an endpoint "
                                    "of this project", code="unknown_webhook",
                                    details={"field": f"effects[{index}].webhook_id"}) from None


def create_rule(project: Project, data: RuleCreate) -> ActionRule:
    """Store a new rule (last in order unless a position is given). Commits."""
    _check_references(project, data.effects)
    trigger = schemas.stored(data.trigger)
    rule = ActionRule(project_id=project.id, name=data.name, enabled=data.enabled, trigger_type=trigger["type"],
                      trigger=trigger, conditions=[schemas.stored(c) for c in data.conditions], match=data.match,
                      effects=[schemas.stored(e) for e in data.effects],
                      position=_next_position(project) if data.position is None else data.position,
                      run_count=0)
    db.session.add(rule)
    db.session.commit()
    return rule


def update_rule(project: Project, rule_id: int, data: RuleUpdate) -> ActionRule:
    """Change the given fields. Commits.

    Effects given are checked against the members and endpoints of today; stored ones were checked
    when saved, and the engine checks them again when it runs them (a run error, not a refused edit).
    """
    rule = get_rule(project, rule_id)
    if data.trigger is not None:
        trigger = schemas.stored(data.trigger)
        if trigger != rule.trigger:
            rule.scanned_until = None  # a new time window starts now
        rule.trigger, rule.trigger_type = trigger, trigger["type"]
    if data.conditions is not None:
        rule.conditions = [schemas.stored(c) for c in data.conditions]
    if data.effects is not None:
        _check_references(project, data.effects)
        rule.effects = [schemas.stored(e) for e in data.effects]
    if data.name is not None:
        rule.name = data.name
    if data.enabled is not None:
        if data.enabled and not rule.enabled:
            rule.scanned_until = None  # no burst of everything that fell due while it was off
        rule.enabled = data.enabled
    if data.match is not None:
        rule.match = data.match
    if data.position is not None:
        rule.position = data.position
    if rule.scanned_until is None and rule.trigger_type in schemas.TIME_TRIGGERS:
        rule.scanned_until = clock.now()
    db.session.commit()
    return rule


def delete_rule(project: Project, rule_id: int) -> None:
    """Remove a rule and its run history. Commits."""
    db.session.delete(get_rule(project, rule_id))
    db.session.commit()


def list_runs(project: Project, rule_id: int, page: PageQuery) -> tuple[list[ActionRun], str | None]:
    """A rule's runs, newest first."""
    rule = get_rule(project, rule_id)
    return paginate(scoped(ActionRun, project.id).where(ActionRun.rule_id == rule.id), [ActionRun.id], page)


def templates() -> list[dict]:
    """The gallery."""
    return TEMPLATES


def add_template(project: Project, key: str, enabled: bool) -> ActionRule:
    """A new rule made from a template of the gallery. Commits."""
    template = BY_KEY.get(key)
    if template is None:
        raise NotFound(f"There is no template {key!r}.", code="template_not_found")
    return create_rule(project, RuleCreate(name=template["name"], enabled=enabled, **template["rule"]))

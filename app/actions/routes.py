"""/api/v1/projects/{pid}/actions…: rules (managers edit, members read), their runs, the template gallery."""
from __future__ import annotations

from flask import Blueprint

from app.actions import service
from app.actions.schemas import RuleCreate, RuleOut, RuleUpdate, RunOut, TemplateAdd, TemplateList, rule_refusal
from app.audit import auditable
from app.auth.principal import authenticated
from app.core.openapi import documented
from app.core.pagination import PageQuery, page_body
from app.core.validation import dump, json_body, query_args
from app.projects.access import project_for
from app.rbac.roles import Role

bp = Blueprint("actions", __name__, url_prefix="/api/v1")

RULES = "/projects/<int:project_id>/actions"
RULE = RULES + "/<int:rule_id>"


@bp.get(RULES)
@authenticated
@documented(summary="Automation rules, in the order they run", query=PageQuery, response=RuleOut, paged=True)
def list_rules(project_id: int):
    """Every member may read the rules; only managers change them."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.list_rules(project, query_args(PageQuery))
    return page_body([dump(RuleOut, rule) for rule in rows], next_cursor)


@bp.post(RULES)
@authenticated
@auditable("action_rule.create", target="action_rule")
@documented(summary="Create an automation rule (managers)", body=RuleCreate, response=RuleOut, status=201)
def create_rule(project_id: int):
    """422 names the unknown trigger, field, operator or effect, or the unsafe pattern."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(RuleOut, service.create_rule(project, json_body(RuleCreate, rule_refusal))), 201


@bp.get(RULE)
@authenticated
@documented(summary="Read an automation rule", response=RuleOut)
def get_rule(project_id: int, rule_id: int):
    """With its run count, last run and last error."""
    project, _ = project_for(project_id)
    return dump(RuleOut, service.get_rule(project, rule_id))


@bp.patch(RULE)
@authenticated
@auditable("action_rule.update", target=("action_rule", "rule_id"))
@documented(summary="Change an automation rule (managers)", body=RuleUpdate, response=RuleOut)
def update_rule(project_id: int, rule_id: int):
    """Only the fields given change; each part given replaces the stored one whole."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(RuleOut, service.update_rule(project, rule_id, json_body(RuleUpdate, rule_refusal)))


@bp.delete(RULE)
@authenticated
@auditable("action_rule.delete", target=("action_rule", "rule_id"))
@documented(summary="Delete an automation rule (managers)", status=204)
def delete_rule(project_id: int, rule_id: int):
    """Its run history goes with it."""
    project, _ = project_for(project_id, Role.MANAGER)
    service.delete_rule(project, rule_id)
    return "", 204


@bp.get(RULE + "/runs")
@authenticated
@documented(summary="A rule's runs, newest first", query=PageQuery, response=RunOut, paged=True)
def list_runs(project_id: int, rule_id: int):
    """Each run: the event, whether the conditions matched, the effects done and any error."""
    project, _ = project_for(project_id)
    rows, next_cursor = service.list_runs(project, rule_id, query_args(PageQuery))
    return page_body([dump(RunOut, run) for run in rows], next_cursor)


@bp.get("/projects/<int:project_id>/action-templates")
@authenticated
@documented(summary="The gallery of ready automation rules", response=TemplateList)
def list_templates(project_id: int):
    """Each template holds the rule it makes."""
    project_for(project_id)
    return dump(TemplateList, {"items": service.templates()})


@bp.post("/projects/<int:project_id>/action-templates/<key>")
@authenticated
@auditable("action_rule.create_from_template", target="action_rule")
@documented(summary="Add a rule from the gallery (managers)", body=TemplateAdd, response=RuleOut, status=201)
def add_template(project_id: int, key: str):
    """The new rule is an ordinary rule: edit it like any other."""
    project, _ = project_for(project_id, Role.MANAGER)
    return dump(RuleOut, service.add_template(project, key[:80], json_body(TemplateAdd).enabled)), 201

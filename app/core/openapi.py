"""The OpenAPI 3 document, built from the pydantic schemas each route declares."""
from __future__ import annotations

import re
from typing import Any, Callable

from flask import Flask
from pydantic import BaseModel

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}


def documented(
    *,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    paged: bool = False,
    auth: str = "bearer",
) -> Callable:
    """Attach the request/response schemas of a view for the OpenAPI document."""

    def decorate(view: Callable) -> Callable:
        view.__openapi__ = {
            "summary": summary,
            "body": body,
            "query": query,
            "response": response,
            "status": status,
            "paged": paged,
            "auth": auth,
        }
        return view

    return decorate


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


class _Components:
    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}

    def ref(self, model: type[BaseModel], mode: str) -> dict:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        for name, definition in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, definition)
        name = model.__name__
        self.schemas.setdefault(name, schema)
        return {"$ref": f"#/components/schemas/{name}"}


def build_spec(app: Flask) -> dict:
    """Walk the URL map and describe every /api/v1 route."""
    components = _Components()
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "__openapi__", None)
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        parameters = [
            {
                "name": m.group(2),
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if m.group(1) == "int" else "string"},
            }
            for m in _PARAM.finditer(rule.rule)
        ]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, meta, parameters, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Live Chat API", "version": "1.0.0"},
        "servers": [{"url": app.config["PUBLIC_URL"]}],
        "paths": paths,
        "components": {
            "schemas": components.schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An agent's access JWT, or a project API key (lck_…).",
                }
            },
        },
    }


def _operation(endpoint: str, meta: dict | None, parameters: list, components: _Components) -> dict:
    if meta is None:
        raise RuntimeError(f"route {endpoint} has no @documented schemas")
    operation: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": meta["summary"],
        "tags": [endpoint.split(".")[0]],
        "parameters": list(parameters),
        "responses": {
            "default": {
                "description": "Error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    }
    if meta["auth"] == "bearer":
        operation["security"] = [{"bearer": []}]
    if meta["query"] is not None:
        schema = meta["query"].model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            operation["parameters"].append(
                {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
            )
    if meta["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": components.ref(meta["body"], "validation")}},
        }
    status = str(meta["status"])
    if meta["response"] is None and status == "204":
        operation["responses"][status] = {"description": "No content"}
    elif meta["response"] is None:
        operation["responses"][status] = {
            "description": "Success",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    else:
        schema = components.ref(meta["response"], "serialization")
        if meta["paged"]:
            schema = {
                "type": "object",
                "required": ["items", "next_cursor"],
                "properties": {"items": {"type": "array", "items": schema}, "next_cursor": {"type": ["string", "null"]}},
            }
        operation["responses"][status] = {"description": "Success", "content": {"application/json": {"schema": schema}}}
    return operation

"""The OpenAPI 3 document, built from the pydantic schemas each route declares."""
from __future__ import annotations

import re
from typing import Any, Callable, Literal, TypeVar

from flask import Flask
from pydantic import BaseModel

from app.core.validation import MAX_ID

View = TypeVar("View", bound=Callable[..., Any])
JSONSchemaMode = Literal["validation", "serialization"]

# What the server enforces on every text it accepts (app.core.validation.Schema): no NUL
# character, and, where a minimum length is set, something besides the whitespace it trims
# (Python's str.strip() set, spelled out so that every regex dialect reads it alike).
_SPACE = "\\t\\n\\u000b\\u000c\\r\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
TEXT_PATTERN = "^[^\\u0000]*$"
NON_BLANK_TEXT_PATTERN = f"^[^\\u0000]*[^\\u0000{_SPACE}][^\\u0000]*$"
CURSOR_SCHEMA = {"type": "string", "maxLength": 500, "pattern": "^[A-Za-z0-9_=-]*(\\.[A-Za-z0-9_=-]+)?$",
                 "description": "`next_cursor` of the previous page; anything else is `400 invalid_cursor`."}

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
    also: dict[int, str] | None = None,
    upload: dict[str, str] | None = None,
    produces: list[str] | None = None,
    errors: dict[int, str] | None = None,
) -> Callable[[View], View]:
    """Attach the request/response schemas of a view for the OpenAPI document.

    `also`: other success statuses answering the same body (e.g. {200: "an idempotent retry"});
    `upload`: the multipart form fields of an upload ({name: description}, the first is the file);
    `produces`: the content types of a binary response (downloads);
    `errors`: error statuses that a schema-valid request may get, with their codes ({403: "`x`: why"});
    every other error is the `default` response (the same envelope).
    """

    def decorate(view: View) -> View:
        # Read back by build_spec (and the input-bounds test) with getattr: an attribute of the function.
        setattr(view, "__openapi__", {
            "summary": summary,
            "body": body,
            "query": query,
            "response": response,
            "status": status,
            "paged": paged,
            "auth": auth,
            "also": also or {},
            "upload": upload,
            "produces": produces,
            "errors": errors or {},
        })
        return view

    return decorate


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


class _Components:
    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}

    def ref(self, model: type[BaseModel], mode: JSONSchemaMode) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        if mode == "validation":
            schema = tighten(schema)
        for name, definition in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, definition)
        name = model.__name__
        self.schemas.setdefault(name, schema)
        return {"$ref": f"#/components/schemas/{name}"}


def tighten(schema: Any) -> Any:
    """State in a request schema the text rules every Schema enforces (see TEXT_PATTERN)."""
    if isinstance(schema, list):
        return [tighten(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: tighten(value) for key, value in schema.items()}
    if schema.get("format") == "email":
        # email-validator refuses the special-use domains (RFC 6761) that a schema's `format` allows.
        schema["not"] = {"pattern": "\\.(arpa|invalid|local|localhost|onion|test)\\.?$"}
    elif schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
        schema["pattern"] = NON_BLANK_TEXT_PATTERN if schema.get("minLength", 0) >= 1 else TEXT_PATTERN
    return schema


def build_spec(app: Flask) -> dict[str, Any]:
    """Walk the URL map and describe every /api/v1 route."""
    components = _Components()
    paths: dict[str, dict[str, Any]] = {}
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
                "schema": (
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                    if m.group(1) == "int" else {"type": "string", "minLength": 1, "maxLength": 200}
                ),
            }
            for m in _PARAM.finditer(rule.rule)
        ]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, meta, parameters, components)
    for name in ("MessageCreate", "WidgetMessageCreate", "AgentSocketMessage"):
        content = components.schemas.get(name, {}).get("properties", {}).get("content")
        if content is not None:  # the limit is a setting; the service enforces it (413 content_too_long)
            content["maxLength"] = app.config["MESSAGE_MAX_CHARS"]
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


def _operation(
    endpoint: str, meta: dict[str, Any] | None, parameters: list[dict[str, Any]], components: _Components
) -> dict[str, Any]:
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
        schema = tighten(meta["query"].model_json_schema())
        for name, prop in schema.get("properties", {}).items():
            if name == "cursor":
                prop = CURSOR_SCHEMA
            operation["parameters"].append(
                {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
            )
    if meta["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": components.ref(meta["body"], "validation")}},
        }
    if meta["upload"]:
        (file_field, file_doc), *others = meta["upload"].items()
        properties = {file_field: {"type": "string", "format": "binary", "description": file_doc}}
        properties |= {name: {"type": "string", "description": doc} for name, doc in others}
        operation["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": [file_field], "properties": properties,
            }}},
        }
    status = str(meta["status"])
    if meta["produces"]:
        binary = {"schema": {"type": "string", "format": "binary"}}
        operation["responses"][status] = {
            "description": "The file's bytes, with its stored content type",
            "content": {content_type: binary for content_type in meta["produces"]},
        }
    elif meta["response"] is None and status == "204":
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
                "properties": {
                    "items": {"type": "array", "items": schema},
                    "next_cursor": {"type": ["string", "null"]},
                },
            }
        operation["responses"][status] = {"description": "Success", "content": {"application/json": {"schema": schema}}}
    for extra, description in meta["also"].items():
        operation["responses"][str(extra)] = dict(operation["responses"][status], description=description)
    for error_status, description in meta["errors"].items():
        operation["responses"][str(error_status)] = dict(operation["responses"]["default"], description=description)
    return operation

"""Liveness, readiness and the OpenAPI document."""
import json


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_the_database_and_redis_when_configured(client, app):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["database"] == "ok"
    if app.config["REDIS_URL"]:
        assert response.json["checks"]["redis"] == "ok"


def test_openapi_document_covers_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule
        for converter in ("<int:", "<"):
            path = path.replace(converter, "{")
        path = path.replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"][path][method.lower()]
            assert operation["summary"]
            assert any(code.startswith("2") for code in operation["responses"]), path


def test_openapi_schemas_describe_request_bodies(client):
    spec = client.get("/api/v1/openapi.json").json
    register = spec["paths"]["/api/v1/auth/register"]["post"]
    ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) >= {"email", "password", "name"}


def test_the_openapi_command_prints_the_served_document(client, app):
    """`flask openapi` feeds the front ends' generated types: it must be the document the API serves."""
    result = app.test_cli_runner().invoke(args=["openapi"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == client.get("/api/v1/openapi.json").json


def test_unknown_route_answers_the_error_envelope(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"

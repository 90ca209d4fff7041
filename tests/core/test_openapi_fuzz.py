"""The OpenAPI document is the contract: schemathesis fuzzes the live server against it, in both modes.

All checks, stateful links, a fixed seed and a bounded number of examples. The
operations that would destroy this test's own fixtures (deleting its project,
removing its manager, changing its password) get a run of their own, on
fixtures of their own, after the main run.

The configuration below states three things the document cannot:
- `cursor` is always "" (the first page): a cursor is a signed token the
  client cannot forge, so a generated one is rightly `400 invalid_cursor`
  (tampered cursors have their own tests in test_input_bounds.py);
- `422` is a valid answer to schema-valid data that breaks a rule JSON
  Schema cannot state (e.g. a business-hours range whose start is after
  its end), as the API's error convention says;
- an upload's bytes must match its declared type (PNG signature …), which no
  schema can state, so `400 attachment_type_*` is expected for generated files.
"""
from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

SEED = 14
MAX_EXAMPLES = 3
DESTRUCTIVE = [
    ("DELETE", "/api/v1/projects/{project_id}"),
    ("DELETE", "/api/v1/projects/{project_id}/members/{user_id}"),
    ("POST", "/api/v1/me/password"),
]
CONFIG = """
[parameters]
"query.cursor" = ""

[checks.positive_data_acceptance]
expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]

[[operations]]
include-operation-id = ["inbox_upload_agent_attachment", "inbox_upload_widget_attachment"]
checks.positive_data_acceptance.expected-statuses = [201, 400, 401, 403, 404, 413, 429]
"""


def _fixtures(api, make_widget_project, make_conversation) -> dict:
    """A manager, a project whose widget runs on shop.example.com, a visitor and a conversation.

    Made through the in-process app (same database and secret as the live server), so the
    fuzzer's own sign-in attempts cannot rate-limit the set-up of the next run.
    """
    project, manager = make_widget_project(name="Fuzzed")
    conversation_id, visitor = make_conversation(project)
    return {"token": manager["access_token"], "project_id": project["id"], "visitor_id": visitor["visitor"]["id"],
            "conversation_id": conversation_id}


# One worker: hypothesis's internal caches are not thread-safe (a second worker made
# schemathesis itself fail now and then), and CI has two cores to share with the server.
def _schemathesis(base_url: str, tmp_path: Path, fixtures: dict, *filters: str) -> subprocess.CompletedProcess:
    config = tmp_path / f"schemathesis-{uuid.uuid4().hex[:6]}.toml"
    config.write_text(CONFIG.format(**fixtures))
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
        f"{base_url}/api/v1/openapi.json", "--header", f"Authorization: Bearer {fixtures['token']}",
        "--checks", "all", "--phases", "coverage,fuzzing,stateful", "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--no-shrink", "--request-timeout", "30",
        *filters,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=tmp_path)


def _assert_passed(result: subprocess.CompletedProcess) -> None:
    failures = result.stdout.partition("FAILURES")[2].partition("WARNINGS")[0]
    assert result.returncode == 0, (failures or result.stdout)[:12000] + result.stderr[-2000:]
    assert " passed" in result.stdout


@pytest.fixture
def fuzzed_server(live_server):
    """The live server's address (its tables are emptied after the test like every other's)."""
    return live_server


def test_the_api_keeps_its_documented_contract(app, api, make_widget_project, make_conversation, fuzzed_server,
                                               tmp_path):
    fixtures = _fixtures(api, make_widget_project, make_conversation)
    excluded = []
    for method, path in DESTRUCTIVE:
        excluded += ["--exclude-operation-id", _operation_id(app, method, path)]
    _assert_passed(_schemathesis(fuzzed_server, tmp_path, fixtures, *excluded))


def test_the_destructive_operations_keep_the_contract_on_fixtures_of_their_own(app, api, make_widget_project,
                                                                              make_conversation, fuzzed_server,
                                                                              tmp_path):
    fixtures = _fixtures(api, make_widget_project, make_conversation)
    included = []
    for method, path in DESTRUCTIVE:
        included += ["--include-operation-id", _operation_id(app, method, path)]
    _assert_passed(_schemathesis(fuzzed_server, tmp_path, fixtures, *included))


def _operation_id(app, method: str, path: str) -> str:
    spec = app.test_client().get("/api/v1/openapi.json").json
    return spec["paths"][path][method.lower()]["operationId"]

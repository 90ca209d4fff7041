"""gunicorn settings for the fault suite: the project's gunicorn.conf.py, plus tests/faults/inject.py's hook."""
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
exec(compile((_ROOT / "gunicorn.conf.py").read_text(), str(_ROOT / "gunicorn.conf.py"), "exec"))

_project_post_worker_init = post_worker_init  # noqa: F821 - defined by the exec above


def post_worker_init(worker):
    """The project's hook, then the fault injection."""
    _project_post_worker_init(worker)
    from tests.faults.inject import install_kill_between_commit_and_emit

    install_kill_between_commit_and_emit()

"""Every task named by a string exists (issue 20's review): services enqueue tasks by name
(portal.jobs.enqueue, so a service never imports its task module), the beat schedule names them
too, and a misspelt name would only show as a task nobody runs. Read from the source with `ast`,
checked against the tasks the Celery app registers."""

import ast

from portal.celery import app
from tests.test_structure import APPS, ROOT

CALLS = {"enqueue", "enqueue_on_commit", "send_task"}


def named_tasks() -> set[tuple[str, str]]:
    """(task name, where) for each string literal passed as a task name."""
    found = set()
    for app_dir in APPS:
        for path in (ROOT / app_dir).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                literals = []
                if name in CALLS and node.args and isinstance(node.args[0], ast.Constant):
                    literals.append(node.args[0].value)
                literals += [k.value.value for k in node.keywords
                             if k.arg and k.arg.endswith("_task") and isinstance(k.value, ast.Constant)]
                found |= {(literal, f"{path.relative_to(ROOT)}:{node.lineno}") for literal in literals}
    return found


def test_every_task_a_service_or_the_schedule_names_is_registered():
    app.loader.import_default_modules()
    named = named_tasks() | {(entry["task"], f"beat {key}") for key, entry in app.conf.beat_schedule.items()}
    assert len(named) > 15  # the scan finds the names (enqueue, enqueue_on_commit, poll_task=…, the beat)
    missing = sorted(f"{task} ({where})" for task, where in named if task not in app.tasks)
    assert not missing, "tasks named but not registered: " + ", ".join(missing)

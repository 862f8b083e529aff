import socket

from celery import shared_task


@shared_task
def worker_heartbeat_task(token: str | None = None) -> None:
    """Record that a worker ran a task taken from the broker (read by the health page and by the
    worker tests)."""
    from portal.models import WorkerHeartbeat

    kwargs = {"hostname": socket.gethostname()}
    if token:
        WorkerHeartbeat.objects.get_or_create(token=token, defaults=kwargs)  # idempotent per token
    else:
        WorkerHeartbeat.objects.create(**kwargs)

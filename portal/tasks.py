import socket

from celery import shared_task


@shared_task
def worker_heartbeat_task(token: str | None = None) -> None:
    """Record that a worker ran a task taken from the broker (read by the health page and by the
    worker tests)."""
    from portal.models import WorkerHeartbeat
    from portal.worker import worker_outage_close

    kwargs = {"hostname": socket.gethostname()}
    if token:
        WorkerHeartbeat.objects.get_or_create(token=token, defaults=kwargs)  # idempotent per token
    else:
        WorkerHeartbeat.objects.create(**kwargs)
    worker_outage_close()  # the worker is back: administrators hear it


@shared_task(bind=True, max_retries=3, default_retry_delay=5)
def document_render_task(self, document_id: str) -> None:
    """Render an issued document's PDF once (idempotent)."""
    from portal.documents import document_mark_failed, document_render

    try:
        document_render(document_id)
    except Exception as exc:  # rendering errors are recorded where staff can see and re-drive them
        if self.request.retries >= self.max_retries:
            document_mark_failed(document_id, repr(exc))
            raise
        raise self.retry(exc=exc) from exc

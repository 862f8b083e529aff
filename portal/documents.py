"""Issued documents: the facts are fixed at issue, a task renders the PDF once, and the stored file
is served afterwards (STYLE.md 22)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.jobs import enqueue_on_commit
from portal.models import IssuedDocument
from portal.pdf import render_pdf
from portal.roles import ADMIN, FEDERATION, TAX, UNION
from portal.scoping import employer_scope_q
from portal.units import unit_of
from portal.workflow import transition_apply


def document_issue(*, kind: str, title: str, template: str, context: dict, employer=None) -> IssuedDocument:
    """Record a document with its facts (JSON) and render it in the background once."""
    document = IssuedDocument.objects.create(kind=kind, title=title, template=template, context=context,
                                             employer=employer)
    enqueue_on_commit("portal.tasks.document_render_task", str(document.pk))
    return document


def document_render(document_id) -> IssuedDocument:
    """Render and store the PDF. Idempotent: a document already rendered is not rendered again."""
    with transaction.atomic():
        document = IssuedDocument.objects.select_for_update().get(pk=document_id)
        if document.status == IssuedDocument.Status.READY:
            return document  # idempotent: already rendered
        _html, pdf = render_pdf(document.template, {**document.context, "document_id": str(document.pk)})
        name = default_storage.save(f"documents/{timezone.now():%Y/%m}/{document.pk.hex}.pdf", ContentFile(pdf))
        return transition_apply(document, "mark_ready", lock=False, storage_name=name)


def document_mark_failed(document_id, error: str) -> None:
    """Rendering gave up: staff see the error and can re-drive it. Idempotent."""
    document = IssuedDocument.objects.get(pk=document_id)
    if document.status == IssuedDocument.Status.READY:
        return  # idempotent: rendered after all
    transition_apply(document, "mark_failed", reason=error[:300], error=error)


# Documents of the retiree plan (kinds "insurance…" and their receipts "receipt:insurance…"): the only
# ones union staff work with.
UNION_DOCUMENT_KINDS = ("insurance", "receipt:insurance")


def documents_visible(user) -> QuerySet[IssuedDocument]:
    """Agents: their unit's documents. Federation and tax staff: their scope's. Union staff: the
    retiree plan's documents of the units of their 区局工会. Admins: all."""
    qs = IssuedDocument.objects.select_related("employer")
    if not user.is_authenticated:
        return qs.none()
    if user.is_employer_agent:
        employer = unit_of(user)
        return qs.filter(employer=employer) if employer else qs.none()
    if user.role in FEDERATION | TAX | ADMIN:
        return qs.filter(employer_scope_q(user, prefix="employer__"))
    if user.role in UNION:
        kinds = Q()
        for prefix in UNION_DOCUMENT_KINDS:
            kinds |= Q(kind__startswith=prefix)
        return qs.filter(kinds).filter(employer_scope_q(user, prefix="employer__"))
    return qs.none()

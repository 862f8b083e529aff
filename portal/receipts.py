"""回执: a receipt at every milestone, with a reference number and a verification code that anyone
can check on the public page (which shows only `public_facts`, never personal data)."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit import audit_record
from portal.documents import document_issue
from portal.models import Receipt
from portal.workflow import transition_apply

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    raw = "".join(c for c in (code or "").upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


def verification_url(code: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{reverse('receipt_verify')}?code={code}"


def receipt_issue(
    *,
    kind: str,
    title: str,
    employer=None,
    actor=None,
    public_facts: dict,
    details: dict | None = None,
    template: str = "pdf/receipt.html",
    prefix: str = "HZ",
    document_context: dict | None = None,
) -> Receipt:
    """Issue a receipt and its PDF. `public_facts` (label → value) is what the verification page
    shows; `details` only goes into the PDF, which only its owner and staff in scope can open.
    `document_context` is merged into the template's context (a document with its own layout,
    such as the 审核认定书)."""
    with transaction.atomic():
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    receipt = Receipt.objects.create(
                        reference=f"TMP-{secrets.token_hex(8)}", verification_code=new_verification_code(),
                        kind=kind, title=title, employer=employer,
                        issued_to=actor if getattr(actor, "pk", None) else None, public_facts=public_facts,
                    )
                break
            except IntegrityError:  # a code collision: astronomically rare, try another
                continue
        receipt.reference = f"{prefix}{timezone.localdate():%Y%m%d}{receipt.pk:06d}"
        context = {
            "title": title,
            "reference": receipt.reference,
            "code": receipt.verification_code,
            "verify_url": verification_url(receipt.verification_code),
            "issued_at": timezone.localtime(receipt.issued_at).strftime("%Y-%m-%d %H:%M"),
            "employer_name": employer.name if employer else "",
            "public_facts": public_facts,
            "details": details or {},
            **(document_context or {}),
        }
        receipt.document = document_issue(kind=f"receipt:{kind}", title=title, template=template, context=context,
                                          employer=employer)
        receipt.save(update_fields=["reference", "document"])
        audit_record(action="receipt.issue", actor=actor, obj=receipt, data={"kind": kind})
    return receipt


def receipt_verify(code: str) -> Receipt | None:
    """The receipt with this verification code, or None."""
    return Receipt.objects.select_related("employer").filter(verification_code=normalize_code(code)).first()


def receipt_cancel(*, receipt: Receipt, actor, reason: str) -> Receipt:
    """Cancel a receipt (e.g. a certificate after a reopening): its verification page says so."""
    if receipt.status == Receipt.Status.CANCELLED:
        return receipt  # idempotent: already cancelled
    return transition_apply(receipt, "cancel", actor=actor, reason=reason)

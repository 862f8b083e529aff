"""What the batch pages share: the scoped batch, the manual's step bar and the batch header."""

from django.http import Http404
from django.shortcuts import render

from insurance import choices as c
from insurance.selectors.scope import batch_for

STEPS = [(1, "请选择参保类型"), (2, "单位信息维护"), (3, "参保名单梳理"), (4, "校验结果查看"), (5, "提交职保会审核"),
         (6, "代扣申请提交")]
B = c.BatchStatus


def agent_batch(request, pk):
    """The agent's own batch (404 for anyone else's; staff use their console)."""
    batch = batch_for(request.user, pk)
    if not request.user.is_employer_agent:
        raise Http404
    return batch


def current_step(batch) -> int:
    """Where 继续办理参保 resumes."""
    if batch.unit_confirmed_at is None and batch.status in c.ROSTER_EDITABLE:
        return 2
    if batch.status in (B.AWAITING_ROSTER, B.AWAITING_VERIFICATION):
        return 3
    if batch.status in (B.VERIFYING, B.VERIFIED):
        return 4
    return 5


def steps_for(batch) -> list:
    """Step 6 (代扣申请提交) only for batches paying by withholding."""
    return STEPS if batch.is_withholding else STEPS[:5]


def batch_page(request, batch, step: int, template: str, context: dict):
    return render(request, template, {"batch": batch, "steps": steps_for(batch), "step": step,
                                      "reached": current_step(batch), **context})

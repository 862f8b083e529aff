"""Issue 15: rows whose source is a recollection (文号凭记忆), a sample or a third-party summary were
marked 已核实. Unmark them, saying why in the row's note; administrators re-tick a row once they
have checked it against the official text (PolicyBase.clean now insists on that)."""

import re

from django.db import migrations

# A frozen copy of levy.rules.policy.looks_verified as it stood when this migration was written:
# a migration must give the same answer on a fresh database years later, whatever the rule becomes.
_INTERNAL = ("http", "凭记忆", "转载", "样例", "第三方", "请按", "请核实", "核实后", "原文未", "研究", "数据集",
             "domain-rules", "假设", "www.")
_URL = re.compile(r"(https?://|www\.)\S+")
_DOCUMENT = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号|财政部公告\d{4}年第\d+号|《[^》]+》")


def _internal(text):
    return any(marker in text for marker in _INTERNAL)


def _note_or_reference(match):
    note = match.group(0)
    if not _internal(note):
        return note
    if "凭记忆" in note:
        return ""
    documents = _DOCUMENT.findall(note)
    return f"（{'、'.join(documents)}）" if documents else ""


def looks_verified(source):
    text = re.sub(r"[（(][^（）()]*[）)]", _note_or_reference, source or "")
    cited = [p for p in (_URL.sub("", part).strip(" ，,：:") for part in re.split(r"[；;]", text)) if p and not _internal(p)]
    return bool(cited) and not any(m in (source or "") for m in ("凭记忆", "样例", "请核实", "第三方"))

MODELS = ["PolicyRule", "SocialAverageWage", "AreaClass", "MinimumWage", "FilingWindow"]
NOTE = "（已取消“已核实”：依据为凭记忆、样例或第三方摘要，请与官方原文核对后再勾选）"


def unmark(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("levy", name)
        for row in model.objects.filter(verified=True):
            if not looks_verified(row.source):
                row.verified = False
                row.note = (row.note + NOTE) if NOTE not in row.note else row.note
                row.save(update_fields=["verified", "note"])


class Migration(migrations.Migration):

    dependencies = [("levy", "0007_merge_0004_revocation_0006_bulk_job")]

    operations = [migrations.RunPython(unmark, migrations.RunPython.noop)]

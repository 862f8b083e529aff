"""Demo data of the retiree plan for `make run` (idempotent): the Shanghai unit (agent-sh@demo.cn, in
徐汇区总工会) with two approved 参保编码, a batch in each state up to submission, a code application
and a name change waiting for the union (union-sh), 2,000 retirees in the registries with a roster
of them to verify, and two roster files to try under var/demo/ (one with errors to upload, one of
the 2,000).

The batches are 即时参保 of the plan year running now (集中参保 opens in May): they pay by voucher.
Verification runs here synchronously (what the worker does after 提交系统校验)."""

import datetime
import io
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from employers.models import Employer
from insurance import choices as c
from insurance.models import InsuranceBatch, InsuranceCode
from insurance.selectors.config import plan_year_for
from portal.audit import audit_record
from portal.demo import UNITS
from portal.feeds.demo import demo_person, demo_unit
from portal.feeds.generator import GIVEN, SURNAMES, Writer, credit_code, months_between, resident_id, variant
from portal.feeds.models import DEMO, RegistryPerson, UnitHeadcount
from portal.feeds.types import month_of
from portal.jobs import chunks
from portal.pdf import render_pdf

User = get_user_model()
RETIREES = 2020  # 2,000 in the roster to verify, 20 in the batch the worker verifies after load_demo
EXCEPTIONS_ROSTER = ("sh-ret-deceased", "sh-ret-no-month", "sh-ret-name", "sh-ret-no-si", "sh-ret-clean")
SUBMITTED_ROSTER = ("sh-ret-clean2", "sh-ret-no-withholding", "sh-ret-low-balance")


def _pdf(title: str) -> SimpleUploadedFile:
    _html, pdf = render_pdf("pdf/demo_evidence.html", {"title": title})
    return SimpleUploadedFile(f"{title}.pdf", pdf, content_type="application/pdf")


def _xlsx(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _sh() -> tuple[Employer, object, object]:
    unit = next(u for u in UNITS if u.key == "sh")
    return (Employer.objects.get(credit_code=unit.credit_code), User.objects.get(username=unit.agent),
            User.objects.get(username="union-sh"))


def _application_data(employer, agent, **changes) -> dict:
    return {"unit_name": employer.name, "credit_code": employer.credit_code, "agent_name": agent.display_name,
            "agent_phone": "13916620000", "agent_email": agent.email or "agent-sh@demo.cn",
            "union_district": employer.union_district or "徐汇区总工会", "economic_type": "private",
            "address": "上海市徐汇区宜山路888号", "postal_code": "200233", "principal": "周建华",
            "unit_phone": "021-64870000", **changes}


def load_codes() -> None:
    """Two approved codes (last year's, and one applied for and approved for the sales company),
    one application and one name change waiting for the union."""
    from insurance.services import codes

    employer, agent, union = _sh()
    if InsuranceCode.objects.filter(employer=employer).exists():
        return
    with transaction.atomic():
        code = InsuranceCode.objects.create(
            employer=employer, code=employer.insurance_code or "31000023", unit_name=employer.name,
            credit_code=employer.credit_code, economic_type="private", address="上海市徐汇区宜山路888号",
            postal_code="200233", principal="周建华", unit_phone="021-64870000")
        audit_record(action="insurance_code.issue", obj=code, data={"label": "上年度参保编码（已预派）"})
        codes.agent_contact_save(actor=agent, employer=employer, data=_application_data(employer, agent))
    sales = demo_unit("sh-sales")
    application = codes.code_application_submit(
        actor=agent, employer=employer, attachment=_pdf("营业执照（复印件盖章）"),
        data=_application_data(employer, agent, unit_name=sales.name, credit_code=sales.credit_code,
                               address=sales.address))
    codes.code_application_decide(actor=union, application=application, approve=True)
    codes.code_application_submit(
        actor=agent, employer=employer, attachment=_pdf("单位参加城镇社会保险基本情况"),
        data=_application_data(employer, agent, unit_name="上海浦江精密仪器有限公司闵行分公司",
                               credit_code=credit_code("91310112MA1GB0K12"), address="上海市闵行区莘庄工业区春东路58号"))
    codes.name_change_submit(actor=agent, code=code, attachment=_pdf("工商变更登记表"),
                             data=_application_data(employer, agent, unit_name="上海浦江精密仪器（集团）有限公司"))


# --- 2,000 retirees of the sales company in the registries, and their roster -------------------------


def _retirees() -> list[tuple[str, str, str, datetime.date, str]]:
    """(roster name, name on record, id number, birth, sex), the same on every run."""
    rng = random.Random(2027)
    people, used = [], set()
    while len(people) < RETIREES:
        sex = rng.choice("MF")
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 22))
        number = resident_id("310104", birth, rng.randrange(450) * 2 + (1 if sex == "M" else 0))
        if number in used:
            continue
        used.add(number)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        people.append((name, name, number, birth, sex))
    return people


def _registry_rows(until: int):
    rng = random.Random(17)
    sales = demo_unit("sh-sales")
    for index, (name, _record, number, birth, sex) in enumerate(_retirees()):
        roll = rng.random()
        person = RegistryPerson(
            id_number=number, name=name, sex=sex, birth_date=birth, hukou_region="310104",
            hukou_address=f"上海市徐汇区漕溪北路{index % 300 + 1}弄{index % 40 + 1}号", origin=DEMO,
            si_name="" if roll < 0.01 else (variant(name) if roll < 0.015 else name),
            death_date=datetime.date(2026, 3, 1) + datetime.timedelta(days=index % 200) if 0.015 <= roll < 0.025 else None,
            retired=True, retirement_month=None if 0.025 <= roll < 0.035 else month_of(birth) + 6000,
            retiree_unit_id=sales.credit_code, pension_account=f"6222{index:015d}", pension_bank="中国工商银行",
            withholdable=not 0.035 <= roll < 0.085, pension_balance=Decimal("120.00") if 0.085 <= roll < 0.09 else
            Decimal("4800.00"),
        )
        yield person
    # social insurance counts 2,400 retirees under the sales company's 社保编号: 2,000 enrolled is 83%
    for month in months_between(202401, until):
        yield UnitHeadcount(unit_id=sales.credit_code, month=month, headcount=None, retirees=2400)


def load_registry_retirees() -> None:
    Writer(ignore_conflicts=True).write(_registry_rows(month_of(timezone.localdate())))


def _workbook(rows) -> bytes:
    import openpyxl

    from insurance.sheets import ROSTER_TEMPLATE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(ROSTER_TEMPLATE.title)
    sheet.append(list(ROSTER_TEMPLATE.headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _roster_rows(first: int, last: int) -> list[tuple]:
    """Template rows of generated retirees first..last-1; one phone in forty is a landline."""
    return [(name, "身份证", number, None, None, f"139{index:08d}" if index % 40 else f"021-6487{index:04d}")
            for index, (name, _record, number, _birth, _sex) in enumerate(_retirees()) if first <= index < last]


def roster_2000() -> bytes:
    return _workbook(_roster_rows(0, 2000))


def roster_with_errors() -> bytes:
    """Ten people, six rows with a mistake the import reports and marks."""
    people = _retirees()[:10]
    rows = [[name, "身份证", number, None, None, f"1381000{i:04d}"] for i, (name, _r, number, _b, _s) in enumerate(people)]
    rows[1][0] = ""  # 姓名 missing
    rows[2][2] = rows[2][2][:-1] + ("0" if rows[2][2][-1] != "0" else "1")  # wrong check digit
    rows[3][5] = rows[4][5]  # the same phone twice
    rows[5] = ["Tom Lee", "非身份证", "E12345678", None, None, "13810009999"]  # no birth date or sex
    rows[6][1] = "护照"  # an ID type the template does not know
    rows[7][2] = "=A2"  # a formula
    return _workbook(rows)


def write_demo_files() -> None:
    folder = settings.BASE_DIR / "var" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "参保名单-含错误.xlsx").write_bytes(roster_with_errors())
    (folder / "参保名单-2000人.xlsx").write_bytes(roster_2000())


# --- the batches -------------------------------------------------------------------------------


def _batch(agent, code, *, rows=None, note=""):
    from insurance.services import batches, roster

    batch = batches.batch_create(actor=agent, employer=code.employer, code=code, kind=c.BatchKind.INSTANT,
                                 payment_method=c.PaymentMethod.VOUCHER)
    batch = batches.batch_confirm_unit(actor=agent, batch=batch)
    if rows is not None:
        batch = roster.batch_import_roster(actor=agent, batch=batch, file=_xlsx(f"{note}.xlsx", _workbook(rows)))
    return batch


def _verify(agent, batch):
    from insurance.services import verification

    batch = verification.batch_verify_start(actor=agent, batch=batch)
    ids = list(batch.members.values_list("pk", flat=True))
    for chunk in chunks(ids, verification.CHUNK):
        verification.members_verify(batch.pk, chunk)
    return InsuranceBatch.objects.get(pk=batch.pk)


def _rows(*keys, start=0):
    return [(demo_person(k).roster_name, "身份证", demo_person(k).id_number, None, None, f"1391000{start + i:04d}")
            for i, k in enumerate(keys)]


def load_batches() -> None:
    """One batch per state up to 职保会审核中, all 即时参保 of the running plan year: 名单待导入,
    名单待校验 (the 2,000), 名单校验中 (until the worker runs), 名单校验完成 (with an exception of
    every kind), 职保会审核中."""
    from insurance.services import members, submission, verification

    employer, agent, _union = _sh()
    if InsuranceBatch.objects.filter(employer=employer).exists() or plan_year_for(c.BatchKind.INSTANT) is None:
        return
    code, sales = (InsuranceCode.objects.get(employer=employer, credit_code=employer.credit_code),
                   InsuranceCode.objects.get(employer=employer, credit_code=demo_unit("sh-sales").credit_code))
    _batch(agent, code)  # 名单待导入
    submitted = _verify(agent, _batch(agent, code, rows=_rows(*SUBMITTED_ROSTER, start=50), note="已校验名单"))
    submission.ratio_materials_upload(actor=agent, batch=submitted, si_number="31061826",
                                      file=_pdf("参保比例情况说明"))
    submission.batch_submit(actor=agent, batch=submitted)  # 职保会审核中
    exceptions = _verify(agent, _batch(agent, code, rows=_rows(*EXCEPTIONS_ROSTER), note="异常数据名单"))  # 名单校验完成
    members.member_confirm_name(actor=agent, member=exceptions.members.get(result=c.Result.NAME_MISMATCH))
    _batch(agent, sales, rows=_roster_rows(0, 2000), note="参保名单-2000人")  # 名单待校验: 提交系统校验 to watch it
    verifying = _batch(agent, sales, rows=_roster_rows(2000, RETIREES), note="参保名单-20人")
    verification.batch_verify_start(actor=agent, batch=verifying)  # 名单校验中 until the worker takes it


DEMO_STEPS = [load_registry_retirees, load_codes, load_batches, write_demo_files]

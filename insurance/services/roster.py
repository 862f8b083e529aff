"""参保名单梳理: import a roster (all or nothing: every row checked, the file returned with each bad
cell marked when anything is wrong, nothing stored), 新增参保人员, 删除 / 批量删除 (marked deleted:
是否删除 是), 清空参保名单. The roster changes only while the batch allows it (before the union's
review, or after it was refused)."""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from insurance import choices as c
from insurance import predicates as p
from insurance.models import InsuranceBatch, InsuredMember
from insurance.rules import roster as r
from insurance.sheets import KEYS, ROSTER_TEMPLATE
from insurance.uploads import ROSTER
from portal.audit import audit_record
from portal.crypto import blind_index, blind_indexes, encrypt
from portal.exceptions import ValidationFailed
from portal.guards import insist
from portal.jobs import chunks
from portal.spreadsheets import error_workbook, load_sheet, read_data, read_rows
from portal.uploads import upload_accept
from portal.workflow import locked, transition_apply

MAX_ROWS = 20000
B = c.BatchStatus


class RosterRejected(ValidationFailed):
    """The roster (or one added person) breaks the rules: every problem, for the page, the API and
    the marked workbook."""

    def __init__(self, problems: list[r.Problem], data: bytes = b"", sheet=None):
        rows = {p.row for p in problems if p.row is not None}
        summary = (f"导入失败：{len(rows)}行有错误" if rows else "导入失败") + "，请按提示修改后重新导入，名单未做任何改动"
        first = problems[0]
        super().__init__(summary if data else first.message, field=first.column or "file", code="roster_invalid")
        self.problems, self.data, self.sheet = problems, data, sheet

    def as_list(self) -> list[dict]:
        """The API's `errors`: row numbers as the spreadsheet shows them; a file-level problem has none."""
        return [{**({"row": p.row} if p.row is not None else {}), "column": p.header, "message": p.message}
                for p in sorted(self.problems, key=lambda p: (p.row is None, p.row or 0))]

    def workbook(self) -> bytes:
        """The agent's own file with an 错误说明 column and the bad cells marked."""
        by_row: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for problem in self.problems:
            if problem.row is not None:
                by_row[problem.row].append((problem.header, problem.message))
        return error_workbook(self.data, template=ROSTER_TEMPLATE, errors=dict(by_row), sheet=self.sheet,
                              file_errors=[p.message for p in self.problems if p.row is None])


@dataclass
class RosterCheck:
    """A roster that passed: its members and the counts the preview shows."""

    members: list[r.Member]
    data: bytes = b""
    counts: dict = field(default_factory=dict)
    indexes: dict = field(default_factory=dict)  # document number → blind index


def enrolled_elsewhere(batch: InsuranceBatch, numbers: list[str], indexes: dict[str, str] | None = None
                       ) -> dict[str, str]:
    """Document numbers already in another batch of the plan year (any unit's), with what to tell
    the agent. Another unit's batch is not named (it is not theirs to see). One query over the
    blind indexes (an array on PostgreSQL; chunks of an IN list on SQLite). With `indexes`, the
    newest key's index of each number is left there for the insert."""
    by_index: dict[str, str] = {}
    for number in numbers:
        every = blind_indexes(number)
        if indexes is not None:
            indexes[number] = every[0]  # the newest key's: what a new row stores
        for index in every:
            by_index[index] = number
    members, batches = (connection.ops.quote_name(m._meta.db_table) for m in (InsuredMember, InsuranceBatch))
    sql = (f"SELECT m.id_index, b.number, b.employer_id FROM {members} m JOIN {batches} b ON b.id = m.batch_id "
           "WHERE m.deleted_at IS NULL AND b.plan_year_id = %s AND b.status <> %s AND b.id <> %s AND m.id_index ")
    indexes = list(by_index)
    found: dict[str, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            queries = [(sql + "= ANY(%s)", [indexes])]
        else:
            queries = [(sql + f"IN ({', '.join(['%s'] * len(chunk))})", chunk) for chunk in chunks(indexes, 900)]
        for query, params in queries:
            cursor.execute(query, [batch.plan_year_id, B.DELETED, batch.pk, *params])
            for index, number, employer_id in cursor.fetchall():
                found[by_index[index]] = (f"该人员已在本单位{number}批次中参保（同一保障年度不能重复参保）"
                                          if employer_id == batch.employer_id else
                                          "该人员本保障年度已由其他单位参保，不能重复参保")
    return found


def roster_check(*, batch: InsuranceBatch, file) -> RosterCheck:
    """Read and check a roster file without storing anything. Raises ValidationFailed for a file
    that cannot be read as the template, RosterRejected listing every problem otherwise."""
    data = read_data(file, max_bytes=ROSTER.max_bytes)
    sheet = load_sheet(data, max_rows=MAX_ROWS)
    members, problems, phones = [], [], []
    today = timezone.localdate()
    for number, values in read_rows(data, template=ROSTER_TEMPLATE, max_bytes=ROSTER.max_bytes, max_rows=MAX_ROWS,
                                    keys=[KEYS[h] for h in ROSTER_TEMPLATE.headers], sheet=sheet):
        member, row_problems = r.roster_row(values, row=number, today=today)
        if member is None:
            problems += row_problems
            if values[r.PHONE] not in (None, "") and not isinstance(values[r.PHONE], r.Formula):
                phones.append(r.phone_of(values[r.PHONE]))
        else:
            members.append(member)
            phones.append(member.phone)
    if not members and not problems:
        raise ValidationFailed("名单中没有人员，请在模板第2行起填写参保人员", field="file")
    problems += r.roster_file(members, phones=phones)
    indexes: dict[str, str] = {}
    elsewhere = enrolled_elsewhere(batch, [m.id_number for m in members], indexes)
    problems += [r.Problem(m.row, r.ID_NUMBER, elsewhere[m.id_number]) for m in members if m.id_number in elsewhere]
    if problems:
        raise RosterRejected(problems, data, sheet)
    valid = sum(1 for m in members if m.valid_mobile)
    return RosterCheck(members, data, indexes=indexes, counts={
        "total": len(members), "resident_id": sum(1 for m in members if m.id_type == r.RESIDENT_ID),
        "other": sum(1 for m in members if m.id_type == r.OTHER), "valid_phones": valid,
        "valid_percent": valid * 100 // len(members),
    })


def roster_may_change(actor, batch: InsuranceBatch) -> None:
    """Raise the refusal unless the actor may change this batch's roster now."""
    p.agent_of_unit.require(actor, batch)
    insist(p.roster_editable, batch)
    insist(p.payment_chosen, batch)


def _rows(batch: InsuranceBatch, members: list[r.Member], source: str) -> list[InsuredMember]:
    now = timezone.now()
    return [InsuredMember(batch=batch, name=m.name, id_type=m.id_type, id_number=m.id_number, birth_date=m.birth_date,
                          sex=m.sex, phone=m.phone, row_number=m.row, source=source, created_at=now)
            for m in members]


def insert_members(batch: InsuranceBatch, members: list[r.Member], source: str,
                   indexes: dict[str, str] | None = None) -> None:
    """Store a roster's members with one COPY (PostgreSQL) or executemany (SQLite): Django's
    bulk_create spent more on building 10,000 instances of thirty fields than the database spent
    on the rows. Every column the statement does not set gets the model's own default, so the
    rows equal bulk_create's. `indexes` are the blind indexes already computed (number → index)."""
    fields = [f for f in InsuredMember._meta.concrete_fields if not f.primary_key]
    varying = ("batch_id", "name", "id_type", "id_number", "id_index", "birth_date", "sex", "phone", "row_number",
               "source", "created_at")
    defaults = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in fields if f.attname not in varying}
    names = ", ".join(map(connection.ops.quote_name, [*varying, *defaults]))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    indexes = indexes or {}
    rows = [(batch.pk, m.name, m.id_type, encrypt(m.id_number), indexes.get(m.id_number) or blind_index(m.id_number),
             m.birth_date, m.sex, m.phone, m.row, source, now) for m in members]
    table = connection.ops.quote_name(InsuredMember._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: several times faster than multi-row INSERTs for ten thousand rows. CSV with
            # quoted text: an empty string stays '' and only None becomes NULL. The defaults are
            # the same on every row: written once.
            tail = "," + ",".join(map(_csv, defaults.values())) + "\n"
            text = "".join(f'{pk},{_csv(name)},"{kind}","{token}","{index}","{birth}","{sex}",{_csv(phone)},'
                           f'{_csv(row)},"{origin}","{at}"{tail}'
                           for pk, name, kind, token, index, birth, sex, phone, row, origin, at in rows)
            buffer = io.StringIO(text)
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)
        else:
            # the defaults as literals: eleven parameters a row instead of thirty
            fixed = ", ".join(map(_literal, defaults.values()))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(varying))}, {fixed})", rows)


def _literal(value) -> str:
    """A model default (None, a boolean, a number, a string) as an SQLite literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def _csv(value) -> str:
    """One COPY … (FORMAT csv) field: NULL unquoted and empty, text always quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _after_change(actor, batch: InsuranceBatch) -> InsuranceBatch:
    """名单待导入 when nobody is left, 名单待校验 once someone new needs checking."""
    active = batch.members.filter(deleted_at__isnull=True)
    if not active.exists():
        if batch.status != B.AWAITING_ROSTER:
            return transition_apply(batch, "roster_emptied", actor=actor, lock=False)
        return batch
    if active.filter(check_state=c.CheckState.NOT_CHECKED).exists() and batch.status != B.AWAITING_VERIFICATION:
        return transition_apply(batch, "roster_loaded", actor=actor, lock=False)
    return batch


def batch_import_roster(*, actor, batch: InsuranceBatch, file, checked: RosterCheck | None = None) -> InsuranceBatch:
    """导入参保名单 / 修改人员名单并重新导入: the file replaces the batch's roster, all or nothing.
    Nothing is stored when any row is wrong (RosterRejected), the batch is unchanged."""
    roster_may_change(actor, batch)
    checked = checked or roster_check(batch=batch, file=file)
    with transaction.atomic():
        batch = locked(batch, "employer")
        roster_may_change(actor, batch)
        upload = upload_accept(file=ContentFile(checked.data, name=getattr(file, "name", "") or "参保名单.xlsx"),
                               kind=ROSTER.code, employer=batch.employer, actor=actor)
        replaced = batch.members.count()
        batch.members.all().delete()
        insert_members(batch, checked.members, c.MemberSource.IMPORT, checked.indexes)
        batch.roster_file, batch.roster_imported_at = upload, timezone.now()
        batch.save(update_fields=["roster_file", "roster_imported_at", "updated_at"])
        audit_record(action="insurance_batch.roster_import", actor=actor, obj=batch,
                     data={"label": f"导入参保名单 {len(checked.members)} 人", "count": len(checked.members),
                           "replaced": replaced, "file": str(upload.pk)})
        batch = _after_change(actor, batch)
    return batch


def member_add(*, actor, batch: InsuranceBatch, data: dict) -> InsuredMember:
    """新增参保人员: one person, with the template's rules (the values as the template words them:
    身份证/非身份证, 男/女), unique in the batch and the plan year, phones still at least half valid."""
    roster_may_change(actor, batch)
    member, problems = r.roster_row(data, today=timezone.localdate())
    if member is None:
        raise RosterRejected(problems)
    with transaction.atomic():
        batch = locked(batch, "employer")
        roster_may_change(actor, batch)
        active = batch.members.filter(deleted_at__isnull=True)
        if active.filter(id_index__in=blind_indexes(member.id_number)).exists():
            raise RosterRejected([r.Problem(None, r.ID_NUMBER, "该人员已在本批次名单中")])
        elsewhere = enrolled_elsewhere(batch, [member.id_number])
        if elsewhere:
            raise RosterRejected([r.Problem(None, r.ID_NUMBER, elsewhere[member.id_number])])
        clash = active.filter(phone=member.phone).values_list("name", flat=True).first()
        if clash:
            raise RosterRejected([r.Problem(None, r.PHONE, f"手机号已用于本批次的参保人员{clash}，手机号不能重复")])
        phones = list(active.values_list("phone", flat=True)) + [member.phone]
        valid = sum(1 for phone in phones if r.is_mobile(phone))
        if not r.phone_ratio_ok(valid, len(phones)):
            raise RosterRejected([r.Problem(None, r.PHONE, "本批次有效手机号将低于50%，请填写11位手机号码")])
        row = _rows(batch, [member], c.MemberSource.MANUAL)[0]
        row.save()
        audit_record(action="insurance_member.add", actor=actor, obj=batch, data={"label": f"新增参保人员 {row.name}"})
        _after_change(actor, batch)
    return row


def members_delete(*, actor, batch: InsuranceBatch, member_ids: list[int]) -> int:
    """删除 / 批量删除: the members are marked deleted (是否删除: 是) and leave every count."""
    p.agent_of_unit.require(actor, batch)
    if not member_ids:
        raise ValidationFailed("请先勾选要删除的人员", field="members")
    with transaction.atomic():
        batch = locked(batch)
        insist(p.roster_editable, batch)
        targets = batch.members.filter(pk__in=member_ids, deleted_at__isnull=True)
        names = list(targets.values_list("name", flat=True)[:20])
        count = targets.update(deleted_at=timezone.now())
        if count:
            audit_record(action="insurance_member.delete", actor=actor, obj=batch,
                         data={"label": f"删除参保人员 {count} 人", "names": names})
            _after_change(actor, batch)
    return count


def roster_clear(*, actor, batch: InsuranceBatch) -> int:
    """清空参保名单: the batch starts over with an empty roster (名单待导入)."""
    p.agent_of_unit.require(actor, batch)
    with transaction.atomic():
        batch = locked(batch)
        insist(p.roster_editable, batch)
        count = batch.members.count()
        batch.members.all().delete()
        audit_record(action="insurance_batch.roster_clear", actor=actor, obj=batch,
                     data={"label": f"清空参保名单（{count} 人）"})
        _after_change(actor, batch)
    return count

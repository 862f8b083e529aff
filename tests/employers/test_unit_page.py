"""单位信息维护管理 and 关联单位 over HTTP and the API, with the three personas."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from stdnum.cn import ric

from employers.locks import _REGION_CHANGE_BLOCKERS
from employers.models import Employer, RelatedUnit
from portal.models import AuditEntry, Upload
from tests import factories as f

pytestmark = pytest.mark.django_db
LEGAL_ID = "31010419780315003" + ric.calc_check_digit("31010419780315003" + "0")


def unit_post(employer, **overrides):
    data = {
        "tax_registration_no": "", "unit_nature": "enterprise", "economic_nature": "private", "industry": "C",
        "fed_region_province": "310000", "fed_region_city": "310100", "fed_region": employer.fed_region_id,
        "tax_region_province": "310000", "tax_region_city": "310100", "tax_region": employer.tax_region_id,
        "admin_region_province": "310000", "admin_region_city": "310100", "admin_region": employer.admin_region_id,
        "legal_rep_name": "周建华", "legal_rep_id_type": "resident_id", "legal_rep_id_number": LEGAL_ID,
        "legal_rep_phone": "13800000000", "org_code": "", "unit_phone": "", "last_year_headcount": "120",
        "agent_name": "王丽华", "agent_phone": "13900000000", "business_address": "上海市徐汇区宜山路1号",
        "registered_address": "上海市徐汇区宜山路1号", "si_code": "", "is_business_registered": "on",
        "insurance_code": "", "union_district": "", "postal_code": "200233", "economic_type": "private",
    }
    data.update(overrides)
    return data


def related_post(**overrides):
    data = {"relation": "dispatch", "region_province": "310000", "region_city": "310100", "region": "310106",
            "credit_code": f.credit_code(555), "name": "上海派遣有限公司", "phone": "021-1", "address": "静安区",
            "evidence": SimpleUploadedFile("协议.pdf", f.PDF_BYTES, content_type="application/pdf")}
    data.update(overrides)
    return data


class TestUnitInformation:
    def test_the_owner_and_a_colleague_keep_the_units_data(self, unit_a, owner, colleague, client_for):
        response = client_for(owner).post(reverse("employers:unit"), unit_post(unit_a))
        assert response.status_code == 302, response.content.decode()[:3000]
        unit_a = Employer.objects.get(pk=unit_a.pk)
        assert unit_a.legal_rep_name == "周建华" and unit_a.last_year_headcount == 120
        assert unit_a.legal_rep_id_number == LEGAL_ID
        response = client_for(colleague).post(reverse("employers:unit"), unit_post(unit_a, agent_name="陈思远",
                                                                                    legal_rep_id_number=""))
        assert response.status_code == 302
        unit_a = Employer.objects.get(pk=unit_a.pk)
        assert unit_a.agent_name == "陈思远" and unit_a.legal_rep_id_number == LEGAL_ID  # blank keeps it

    def test_the_page_shows_the_unit_kind_and_never_the_full_legal_id(self, unit_a, owner, client_for):
        unit_a.legal_rep_id_number = LEGAL_ID
        unit_a.save()
        body = client_for(owner).get(reverse("employers:unit")).content.decode()
        assert "企业（由统一社会信用代码判定）" in body
        assert LEGAL_ID not in body and "310104********0034"[:6] in body

    def test_revealing_the_full_number_is_audited(self, unit_a, owner, client_for):
        unit_a.legal_rep_id_number = LEGAL_ID
        unit_a.save()
        body = client_for(owner).post(reverse("employers:reveal_legal_rep")).content.decode()
        assert LEGAL_ID in body
        entry = AuditEntry.objects.get(action="pii.reveal")
        assert entry.actor == owner and entry.data["field"] == "legal_rep_id_number"

    def test_required_fields_and_bad_numbers_are_reported_at_the_field(self, unit_a, owner, client_for):
        response = client_for(owner).post(
            reverse("employers:unit"),
            unit_post(unit_a, legal_rep_name="", legal_rep_id_number="310104197803150035", postal_code="12"),
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "请输入法人姓名" in body and "邮政编码应为6位数字" in body
        assert Employer.objects.get(pk=unit_a.pk).legal_rep_name == ""
        response = client_for(owner).post(reverse("employers:unit"),
                                          unit_post(unit_a, legal_rep_id_number="310104197803150035"))
        assert "校验位不正确" in response.content.decode()

    def test_a_foreign_legal_representative_can_use_a_passport(self, unit_a, owner, client_for):
        client_for(owner).post(reverse("employers:unit"), unit_post(unit_a, legal_rep_id_type="passport",
                                                                    legal_rep_id_number="E12345678"))
        assert Employer.objects.get(pk=unit_a.pk).legal_rep_id_number == "E12345678"

    def test_changing_the_federation_region_is_audited(self, unit_a, owner, client_for):
        client_for(owner).post(reverse("employers:unit"), unit_post(unit_a, fed_region="310106"))
        entry = AuditEntry.objects.get(action="employer.change_fed_region")
        assert (entry.from_state, entry.to_state) == ("310104", "310106")

    def test_the_regions_are_locked_once_a_declaration_is_submitted(self, unit_a, owner, client_for):
        def locked(employer):
            return "本年度已完成申报，不能修改残联主管部门和税务主管部门。" if employer.pk == unit_a.pk else None

        _REGION_CHANGE_BLOCKERS.append(locked)
        try:
            response = client_for(owner).post(reverse("employers:unit"), unit_post(unit_a, tax_region="310106"))
            assert "不能修改残联主管部门和税务主管部门" in response.content.decode()
            assert Employer.objects.get(pk=unit_a.pk).tax_region_id == "310104"
            ok = client_for(owner).post(reverse("employers:unit"), unit_post(unit_a, agent_name="新经办人"))
            assert ok.status_code == 302  # other fields stay editable
        finally:
            _REGION_CHANGE_BLOCKERS.remove(locked)

    def test_staff_cannot_open_the_employer_page(self, reviewer_sh, client_for):
        assert client_for(reviewer_sh).get(reverse("employers:unit")).status_code == 403


class TestRelatedUnits:
    def test_add_edit_and_delete_with_proof(self, unit_a, owner, client_for):
        client = client_for(owner)
        assert client.post(reverse("employers:related_new"), related_post()).status_code == 302
        unit = RelatedUnit.objects.get(employer=unit_a)
        assert unit.evidence.kind == "related_unit_proof" and unit.region_id == "310106"
        edit = client.post(reverse("employers:related_edit", args=[unit.pk]),
                           related_post(name="上海派遣（改名）有限公司", evidence=""))
        assert edit.status_code == 302
        unit.refresh_from_db()
        assert unit.name == "上海派遣（改名）有限公司" and unit.evidence_id is not None
        assert client.post(reverse("employers:related_delete", args=[unit.pk])).status_code == 302
        assert not RelatedUnit.objects.exists()
        assert AuditEntry.objects.filter(action__startswith="related_unit.").count() == 3

    def test_a_bad_proof_or_code_saves_nothing(self, unit_a, owner, client_for):
        client = client_for(owner)
        bad_file = client.post(reverse("employers:related_new"),
                               related_post(evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")))
        assert "文件类型不符合要求" in bad_file.content.decode()
        own_code = client.post(reverse("employers:related_new"), related_post(credit_code=unit_a.credit_code))
        assert "不能是本单位" in own_code.content.decode()
        missing = client.post(reverse("employers:related_new"), related_post(evidence=""))
        assert "请上传证明材料" in missing.content.decode()
        assert not RelatedUnit.objects.exists() and not Upload.objects.exists()

    def test_an_outsider_gets_404_on_another_units_related_unit(self, unit_a, owner, outsider, client_for):
        client_for(owner).post(reverse("employers:related_new"), related_post())
        unit = RelatedUnit.objects.get()
        for name in ("employers:related_edit", "employers:related_delete"):
            assert client_for(outsider).post(reverse(name, args=[unit.pk])).status_code == 404
        assert client_for(outsider).get(reverse("file_download", args=[unit.evidence_id])).status_code == 404
        assert RelatedUnit.objects.filter(pk=unit.pk).exists()


class TestUnitApi:
    def test_get_masks_and_patch_goes_through_the_service(self, unit_a, owner, client_for):
        unit_a.legal_rep_id_number = LEGAL_ID
        unit_a.save()
        client = client_for(owner)
        data = client.get("/api/v1/unit/").json()
        assert data["legal_rep_id_masked"] == LEGAL_ID[:6] + "********" + LEGAL_ID[-4:]
        assert LEGAL_ID not in str(data) and data["unit_kind"] == "enterprise"
        response = client.patch("/api/v1/unit/", {"agent_name": "API经办人", "credit_code": "hacked"},
                                content_type="application/json")
        assert response.status_code == 200
        unit_a = Employer.objects.get(pk=unit_a.pk)
        assert unit_a.agent_name == "API经办人" and unit_a.credit_code != "hacked"
        bad = client.patch("/api/v1/unit/", {"legal_rep_id_number": "123"}, content_type="application/json")
        assert bad.status_code == 422 and "legal_rep_id_number" in bad.json()["errors"]

    def test_related_units_crud(self, unit_a, owner, outsider, client_for):
        client = client_for(owner)
        payload = {"relation": "other", "region": "310104", "credit_code": f.credit_code(556), "name": "子公司",
                   "evidence": SimpleUploadedFile("证明.pdf", f.PDF_BYTES)}
        created = client.post("/api/v1/unit/related-units/", payload)
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert client.get("/api/v1/unit/related-units/").json()["count"] == 1
        assert client_for(outsider).get(f"/api/v1/unit/related-units/{pk}/").status_code == 404
        no_proof = client.post("/api/v1/unit/related-units/", {**payload, "credit_code": f.credit_code(557),
                                                               "evidence": ""})
        assert no_proof.status_code == 422
        assert client.delete(f"/api/v1/unit/related-units/{pk}/").status_code == 204


class TestRegistryPrefill:
    def test_the_registered_name_and_address_come_from_the_enterprise_registry(self, client_for):
        from portal.demo import UNITS
        from portal.feeds.demo import DEMO_UNITS, load_registry

        load_registry()
        unit = next(u for u in UNITS if u.key == "sh")
        employer = f.EmployerFactory(name=unit.name, credit_code=unit.credit_code)
        agent = f.AgentFactory(employer=employer).user
        page = client_for(agent).get(reverse("employers:unit"))
        body = page.content.decode()
        registered = next(u for u in DEMO_UNITS if u.key == "sh")
        assert page.context["form"].initial["registered_address"] == registered.address
        assert "已从企业登记系统获取单位注册地址" in body and registered.authority in body

    def test_an_unknown_code_or_a_silent_registry_leaves_the_page_working(self, unit_a, owner, client_for):
        from portal.feeds import configure

        with configure(error_rate=1.0):
            page = client_for(owner).get(reverse("employers:unit"))
        assert page.status_code == 200 and "已从企业登记系统获取" not in page.content.decode()

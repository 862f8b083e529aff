"""factory_boy factories with one trait per role or state; tests say what they need."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from employers.models import Agent, Employer
from portal.models import Notice, Region, User
from portal.roles import Role
from tests.pdf_samples import PLAIN as PLAIN_PDF

PASSWORD = "Test#2026pass"
# The smallest valid PDF (a page, its xref table, %%EOF) and a 1×1 PNG, for upload tests.
PDF_BYTES = PLAIN_PDF


def png_bytes(size=(8, 8), color=(11, 74, 139)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(n: int, region: str = "310104", prefix: str = "91") -> str:
    """A valid unified social credit code, distinct for each n."""
    digits = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        digits = _ALPHABET[r] + digits
    body = f"{prefix}{region}{digits}"
    return body + uscc.calc_check_digit(body + "0")


def resident_id(n: int, region: str = "310104", birth: str = "19850101") -> str:
    """A valid resident ID number, distinct for each n (< 1000)."""
    from stdnum.cn import ric

    body = f"{region}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def fresh(obj):
    """The row as it is stored now (after a service changed it)."""
    return type(obj).objects.get(pk=obj.pk)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.cn")
    email = factory.LazyAttribute(lambda o: o.username if "@" in o.username else "")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.EMPLOYER_AGENT
    password = factory.django.Password(PASSWORD)

    class Params:
        reviewer = factory.Trait(role=Role.FED_REVIEWER, username=factory.Sequence(lambda n: f"reviewer{n}"))
        supervisor = factory.Trait(role=Role.FED_SUPERVISOR, username=factory.Sequence(lambda n: f"supervisor{n}"))
        tax = factory.Trait(role=Role.TAX_OFFICER, username=factory.Sequence(lambda n: f"tax{n}"))
        union = factory.Trait(role=Role.UNION_ADMIN, username=factory.Sequence(lambda n: f"union{n}"))
        admin = factory.Trait(
            role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True, username=factory.Sequence(lambda n: f"admin{n}")
        )


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1000))
    admin_region = factory.LazyFunction(lambda: region("310104"))
    fed_region = factory.SelfAttribute("admin_region")
    tax_region = factory.SelfAttribute("admin_region")
    contact_email = factory.Sequence(lambda n: f"unit{n}@example.cn")
    contact_phone = "021-12345678"


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    user = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(EmployerFactory)
    is_registrant = True


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"测试通知{n}")
    body = "通知内容"


def confirmed_totp(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="测试验证器", defaults={"confirmed": True})
    return device

"""API keys for government systems (tax bureaus): issued per region by administrators or by the
region's tax officers, shown once, stored as a hash, revocable. A call made with one acts as a tax officer of that region."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from portal.audit import audit_record
from portal.exceptions import NotAllowed
from portal.models import Region, SystemToken
from portal.predicates import region_contains
from portal.roles import ADMIN, TAX, Role
from portal.scoping import region_q

KEYWORD = b"bearer"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tokens_visible(user) -> QuerySet[SystemToken]:
    """接口令牌 a user manages: administrators all; a tax officer those of their region and below
    (issue 15, 22: their bureau's systems are theirs to connect and cut off)."""
    qs = SystemToken.objects.select_related("region", "created_by")
    if user.role not in TAX | ADMIN:
        return qs.none()
    return qs.filter(region_q(user, "region"))  # the one region rule (administrators: all)


def _may_manage(actor, region: Region) -> bool:
    return actor.role in TAX | ADMIN and region_contains(actor, region)


def token_issue(*, actor, name: str, region: Region) -> tuple[SystemToken, str]:
    """A new key for a system of `region`; the key itself is returned once and never stored."""
    if not _may_manage(actor, region):
        raise NotAllowed("只能为本辖区及下级区域的税务系统签发接口令牌", field="region")
    key = "tx_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = SystemToken.objects.create(name=name.strip(), region=region, prefix=key[:8], key_hash=_hash(key),
                                           created_by=actor)
        audit_record(action="token.issue", actor=actor, obj=token, data={"region": region.code})
    return token, key


def token_revoke(*, actor, token: SystemToken) -> None:
    if not _may_manage(actor, token.region):
        raise NotAllowed("只能吊销本辖区的接口令牌")
    if token.revoked_at:
        return  # idempotent: already revoked
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="token.revoke", actor=actor, obj=token)


@dataclass
class SystemPrincipal:
    """Who a system token speaks for: a tax officer of the token's region, not a person."""

    token: SystemToken
    role: str = Role.TAX_OFFICER
    is_authenticated: bool = True
    is_active: bool = True
    is_employer_agent: bool = False
    is_staff_member: bool = False

    @property
    def region(self):
        return self.token.region

    @property
    def region_id(self):
        return self.token.region_id

    @property
    def pk(self):
        return None

    @property
    def display_name(self) -> str:
        return f"接口：{self.token.name}"

    def __str__(self):
        return self.display_name


class SystemTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer tx_…` — a wrong, missing or revoked key is a 401."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("接口令牌格式不正确")
        token = SystemToken.objects.select_related("region").filter(
            key_hash=_hash(parts[1].decode(errors="replace")), revoked_at__isnull=True).first()
        if token is None:
            raise exceptions.AuthenticationFailed("接口令牌无效或已吊销")
        SystemToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return SystemPrincipal(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SystemTokenScheme(OpenApiAuthenticationExtension):
    """The schema names the scheme, so tax systems' generated clients send the bearer key."""

    target_class = "portal.tokens.SystemTokenAuthentication"
    name = "systemToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "税务系统接口令牌（tx_…），由系统管理员按税务区域签发"}

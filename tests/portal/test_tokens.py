"""System tokens for tax bureaus: issued per region, shown once, stored hashed, revocable."""

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from portal.models import AuditEntry, SystemToken
from portal.tokens import SystemTokenAuthentication, token_issue, token_revoke
from tests import factories as f

pytestmark = pytest.mark.django_db


def authenticate(header):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=header)
    return SystemTokenAuthentication().authenticate(request)


def test_a_key_is_shown_once_and_stored_only_as_a_hash(admin_user, client_for):
    response = client_for(admin_user).post(reverse("console_tokens"), {
        "name": "上海市税务局征收系统", "region_province": "310000", "region_city": "", "region": ""})
    key = response.context["key"]
    assert key.startswith("tx_") and key in response.content.decode()
    token = SystemToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and token.region_id == "310000"
    assert key not in client_for(admin_user).get(reverse("console_tokens")).content.decode()
    assert AuditEntry.objects.filter(action="token.issue").exists()


def test_the_key_authenticates_as_a_tax_officer_of_its_region(admin_user):
    token, key = token_issue(actor=admin_user, name="税务", region=f.region("310000"))
    principal, auth = authenticate(f"Bearer {key}")
    assert principal.role == "tax_officer" and principal.region.code == "310000" and auth == token
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer wrong", "Bearer", "Bearer a b"])
def test_a_wrong_key_fails(header, admin_user):
    token_issue(actor=admin_user, name="税务", region=f.region("310000"))
    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        authenticate(header)


def test_a_revoked_key_fails(admin_user):
    token, key = token_issue(actor=admin_user, name="税务", region=f.region("310000"))
    token_revoke(actor=admin_user, token=token)
    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        authenticate(f"Bearer {key}")


def test_only_administrators_issue_keys(reviewer_sh, client_for):
    assert client_for(reviewer_sh).get(reverse("console_tokens")).status_code == 403


def test_a_tax_officer_manages_the_tokens_of_their_own_region_only(tax_sh, admin_user, client_for):
    """Issue 15 (22): only an administrator could issue or revoke a tax region's keys."""
    client = client_for(tax_sh)
    page = client.get(reverse("console_tokens"))
    assert page.status_code == 200 and f'href="{reverse("console_tokens")}"' in page.content.decode()  # the menu
    issued = client.post(reverse("console_tokens"), {
        "name": "徐汇区税务局征收系统", "region_province": "310000", "region_city": "310100", "region": "310104"})
    assert issued.context["key"].startswith("tx_")
    own = SystemToken.objects.get(name="徐汇区税务局征收系统")
    refused = client.post(reverse("console_tokens"), {
        "name": "越权令牌", "region_province": "210000", "region_city": "", "region": ""})
    assert refused.context["key"] is None and "只能为本辖区及下级区域的税务系统签发接口令牌" in refused.content.decode()
    assert not SystemToken.objects.filter(name="越权令牌").exists()
    other, _key = token_issue(actor=admin_user, name="辽宁税务系统", region=f.region("210000"))
    listed = client.get(reverse("console_tokens")).content.decode()
    assert "徐汇区税务局征收系统" in listed and "辽宁税务系统" not in listed
    assert client.post(reverse("console_token_revoke", args=[other.pk])).status_code == 404
    assert SystemToken.objects.get(pk=other.pk).revoked_at is None
    assert client.post(reverse("console_token_revoke", args=[own.pk])).status_code == 302
    assert SystemToken.objects.get(pk=own.pk).revoked_at is not None
    tax_ln = f.UserFactory(tax=True, region=f.region("210102"))
    assert client_for(tax_ln).post(reverse("console_token_revoke", args=[own.pk])).status_code == 404

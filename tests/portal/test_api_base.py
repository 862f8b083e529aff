"""The API base: versioned routes, token and session auth, the schema, domain errors."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory

from portal.drf import exception_handler
from portal.exceptions import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


def test_token_authentication_works(owner):
    token = Token.objects.create(user=owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["role"] == "employer_agent"


def test_a_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get("/api/v1/me/").status_code == 401


def test_the_schema_and_docs_are_served(client):
    schema = client.get(reverse("api_schema"))
    assert schema.status_code == 200 and b"/api/v1/me/" in schema.content
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()


def test_domain_errors_map_to_422_and_409_with_chinese_messages():
    """A rule's refusal is 422 (the request was well-formed), a state's is 409."""
    request = APIRequestFactory().get("/")
    bad = exception_handler(ValidationFailed("请输入18位身份证号码", field="id_number"), {"request": request})
    assert bad.status_code == 422 and bad.data["code"] == "rule" and bad.data["errors"]["id_number"] == ["请输入18位身份证号码"]
    conflict = exception_handler(Conflict("该申报已提交"), {"request": request})
    assert conflict.status_code == 409 and conflict.data["detail"] == "该申报已提交"


def test_notices_api_lists_the_users_notices(owner, client_for, unit_a):
    from portal.notices import notice_post

    notice_post(title="API通知", body="x", employer=unit_a)
    data = client_for(owner).get("/api/v1/notices/").json()
    assert data["count"] == 1 and data["results"][0]["title"] == "API通知"

"""REST API v1: the OpenAPI schema and docs, one error shape, tenant scoping, query counts."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory
from tests.platform_core.support import assert_error_shape

pytestmark = pytest.mark.django_db


# --- Schema and docs -----------------------------------------------------------------------------------


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_openapi_3_and_documents_the_batch_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    batch = schema["paths"]["/api/v1/interactions/batch"]["post"]
    assert {"200", "400", "401", "413", "422"} <= set(batch["responses"])
    event = schema["components"]["schemas"]["InteractionEventIn"]
    assert {"client_event_id", "verb", "object_type", "object_id", "occurred_at"} <= set(event["required"])
    assert "account.signed_up" not in event["properties"]["verb"]["enum"]  # server-only verbs are not offered
    assert "page.viewed" in event["properties"]["verb"]["enum"]


def test_the_schema_documents_every_api_route(schema):
    for path in (
        "/api/v1/me",
        "/api/v1/me/consents",
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/adverse-events/{id}/triage",
        "/api/v1/verification-requests/{id}/decision",
        "/api/v1/auth/token",
    ):
        assert path in schema["paths"], path
    assert set(schema["components"]["schemas"]["Error"]["properties"]["error"]["required"]) == {"code", "message", "details"}


def test_the_docs_page_renders_with_local_assets_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html), "an asset is loaded from elsewhere"
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)""", html)
    assert assets, "the docs page should load its scripts from /static/"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


# --- One error shape --------------------------------------------------------------------------------


def test_401_without_credentials(client):
    """Like the batch endpoint: no credentials is 401, not 403."""
    error = assert_error_shape(client.get("/api/v1/me"), status=401, code="not_authenticated")
    assert error["details"] == {}


def test_401_with_an_invalid_token(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert_error_shape(response, status=401, code="authentication_failed")


def test_403_without_the_capability(doctor, client_for):
    assert_error_shape(client_for(doctor).get("/api/v1/products"), status=403, code="permission_denied")


def test_404_for_a_foreign_product_is_the_404_of_a_missing_one(manager_a, product_a, product_b, client_for):
    client = client_for(manager_a)
    foreign = client.get(f"/api/v1/products/{product_b.pk}")
    missing = client.get("/api/v1/products/987654321")
    assert_error_shape(foreign, status=404, code="not_found")
    assert foreign.json() == missing.json()
    assert product_b.brand_name not in foreign.content.decode()


def test_400_validation_names_the_fields(doctor, client_for):
    response = client_for(doctor).post("/api/v1/me/consents", {"purpose": "nope"}, content_type="application/json")
    error = assert_error_shape(response, status=400, code="validation_failed")
    assert {"purpose", "granted"} <= set(error["details"])


def test_405_has_the_shape_too(manager_a, client_for):
    assert_error_shape(client_for(manager_a).delete("/api/v1/products"), status=405)


def test_malformed_json_to_the_rest_api_is_400_with_the_shape(doctor, client_for):
    response = client_for(doctor).post("/api/v1/me/consents", "{oops", content_type="application/json")
    assert_error_shape(response, status=400)


def test_session_writes_need_csrf(doctor, sponsor_a, client_for):
    client = client_for(doctor, enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/me/consents",
        {"purpose": "sponsor_contact", "sponsor_id": sponsor_a.pk, "granted": True},
        content_type="application/json",
    )
    assert_error_shape(response, status=403)


# --- Me ---------------------------------------------------------------------------------------------


def test_me_describes_the_caller(rep_a, client_for):
    body = client_for(rep_a).get("/api/v1/me").json()
    assert body["id"] == rep_a.pk and body["sponsor_id"] == rep_a.sponsor_id
    assert body["roles"] == ["rep"] and "reps.promote" in body["capabilities"]
    assert body["verification_status"] is None


def test_me_of_a_doctor_carries_the_verification_status(unverified_doctor, token_client_for):
    body = token_client_for(unverified_doctor).get("/api/v1/me").json()
    assert body["verification_status"] == "unverified"
    assert "academy.view_rx_content" not in body["capabilities"]


# --- Products: scoped, and a fixed number of queries --------------------------------------------------


def test_products_list_only_the_callers_sponsor(manager_a, product_a, product_b, token_client_for):
    body = token_client_for(manager_a).get("/api/v1/products").json()
    assert [item["id"] for item in body["results"]] == [product_a.pk]
    assert body["results"][0]["therapeutic_area"] == product_a.therapeutic_area.code
    assert product_b.brand_name not in json.dumps(body, ensure_ascii=False)


def test_product_detail_of_the_callers_sponsor(mlr_a, product_a, client_for):
    body = client_for(mlr_a).get(f"/api/v1/products/{product_a.pk}").json()
    assert (body["id"], body["brand_name"], body["sponsor_id"]) == (product_a.pk, product_a.brand_name, product_a.sponsor_id)


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/products").status_code == 200
    return len(queries)


def test_the_products_list_costs_the_same_queries_for_2_or_40_products(
    manager_a, product_a, token_client_for, django_assert_max_num_queries
):
    client = token_client_for(manager_a)
    ProductFactory(sponsor=manager_a.sponsor)
    few = _count_queries(client)
    ProductFactory.create_batch(38, sponsor=manager_a.sponsor)
    many = _count_queries(client)
    assert many == few

    # token + user, roles, page count, page rows
    with django_assert_max_num_queries(4):
        client.get("/api/v1/products")


def test_the_products_list_over_a_session_costs_one_query_more(manager_a, product_a, client_for, django_assert_max_num_queries):
    client = client_for(manager_a)
    client.get("/api/v1/products")
    # session, user, roles, page count, page rows
    with django_assert_max_num_queries(5):
        client.get("/api/v1/products")


def test_the_product_list_is_paginated(manager_a, token_client_for, settings):
    ProductFactory.create_batch(settings.REST_FRAMEWORK["PAGE_SIZE"] + 1, sponsor=manager_a.sponsor)
    first = token_client_for(manager_a).get("/api/v1/products").json()
    assert first["count"] == settings.REST_FRAMEWORK["PAGE_SIZE"] + 1
    assert len(first["results"]) == settings.REST_FRAMEWORK["PAGE_SIZE"] and first["next"]

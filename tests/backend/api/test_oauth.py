"""The token endpoint to the letter of RFC 8628 and RFC 6749: every answer and every error.

The flow's clock is the test's (``clock``): polls are spaced, and codes expire, without waiting.
"""

from __future__ import annotations

import pytest

from tv_backend.services.device_flow import USER_CODE_ALPHABET

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CLIENT = "edutv-tv"


@pytest.fixture
def parent(services):
    return services.accounts.create_account("mum@example.com", "correct horse", "parent")


def authorize(client, **extra):
    response = client.post(
        "/oauth/device_authorization",
        data={"client_id": CLIENT, "device_name": "客厅的电视", **extra},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def poll(client, device_code, client_id=CLIENT, grant_type=DEVICE_GRANT):
    data = {"grant_type": grant_type, "device_code": device_code}
    if client_id is not None:
        data["client_id"] = client_id
    return client.post("/oauth/token", data=data)


def approve(services, parent, user_code, approve=True):
    services.device_flow.decide(user_code, account=parent, network="192.0.2.1", approve=approve)


def assert_error(response, error, status=400):
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"] == error
    assert response.get_json()["error_description"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def test_device_authorization_answers_rfc8628_3_2(client, clock):
    body = authorize(client)
    assert set(body) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    code = body["user_code"]
    assert len(code) == 9 and code[4] == "-"
    assert all(ch in USER_CODE_ALPHABET for ch in code.replace("-", ""))
    assert body["verification_uri"] == "http://localhost/device"
    assert body["verification_uri_complete"] == f"http://localhost/device?user_code={code}"
    assert body["expires_in"] == 600 and body["interval"] == 5
    assert len(body["device_code"]) >= 43  # 256 bits, base64url


def test_device_codes_are_stored_hashed(client, services, clock):
    from sqlalchemy import select

    from tv_backend.storage.models import DeviceAuthorization

    body = authorize(client)
    with services.sessions() as s:
        stored = s.scalars(select(DeviceAuthorization.device_code_hash)).all()
    assert body["device_code"] not in stored and len(stored[0]) == 64


def test_the_whole_grant_pending_approved_tokens_then_single_use(client, services, clock, parent):
    body = authorize(client)
    assert_error(poll(client, body["device_code"]), "authorization_pending")
    approve(services, parent, body["user_code"].lower().replace("-", ""))
    clock.tick(5)
    response = poll(client, body["device_code"])
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["access_token"] != tokens["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.get_json()["device"]["name"] == "客厅的电视"
    clock.tick(5)
    assert_error(poll(client, body["device_code"]), "invalid_grant")


def test_polling_faster_than_the_interval_slows_down_by_5_seconds_each_time(client, clock):
    code = authorize(client)["device_code"]
    assert_error(poll(client, code), "authorization_pending")
    clock.tick(4.9)
    assert_error(poll(client, code), "slow_down")  # interval now 10
    clock.tick(9)
    assert_error(poll(client, code), "slow_down")  # 9 < 10: now 15
    clock.tick(15)
    assert_error(poll(client, code), "authorization_pending")
    clock.tick(14)
    assert_error(poll(client, code), "slow_down")  # the grown interval stays: now 20
    clock.tick(20)
    assert_error(poll(client, code), "authorization_pending")


def test_a_code_expires(client, clock):
    code = authorize(client)["device_code"]
    clock.tick(600)
    assert_error(poll(client, code), "expired_token")


def test_a_denied_request_answers_access_denied(client, services, clock, parent):
    body = authorize(client)
    approve(services, parent, body["user_code"], approve=False)
    assert_error(poll(client, body["device_code"]), "access_denied")


@pytest.mark.parametrize(
    ("data", "error", "status"),
    [
        ({"grant_type": DEVICE_GRANT, "device_code": "x"}, "invalid_request", 400),
        (
            {"grant_type": DEVICE_GRANT, "client_id": "other", "device_code": "x"},
            "invalid_client",
            401,
        ),
        ({"grant_type": DEVICE_GRANT, "client_id": CLIENT}, "invalid_request", 400),
        (
            {"grant_type": DEVICE_GRANT, "client_id": CLIENT, "device_code": "nope"},
            "invalid_grant",
            400,
        ),
        ({"grant_type": "password", "client_id": CLIENT}, "unsupported_grant_type", 400),
        ({"grant_type": "authorization_code", "client_id": CLIENT}, "unsupported_grant_type", 400),
        ({"client_id": CLIENT}, "invalid_request", 400),
        ({"grant_type": "refresh_token", "client_id": CLIENT}, "invalid_request", 400),
        (
            {"grant_type": "refresh_token", "client_id": CLIENT, "refresh_token": "x"},
            "invalid_grant",
            400,
        ),
    ],
)
def test_token_endpoint_errors(client, clock, data, error, status):
    response = client.post("/oauth/token", data=data)
    assert_error(response, error, status)
    if status == 401:
        assert "WWW-Authenticate" in response.headers


def test_device_authorization_needs_a_known_client(client):
    assert_error(client.post("/oauth/device_authorization", data={}), "invalid_request")
    unknown = client.post("/oauth/device_authorization", data={"client_id": "evil-tv"})
    assert_error(unknown, "invalid_client", 401)


def test_json_bodies_and_repeated_parameters_are_invalid_requests(client):
    as_json = client.post("/oauth/device_authorization", json={"client_id": CLIENT})
    assert_error(as_json, "invalid_request")
    twice = client.post(
        "/oauth/token", data={"grant_type": [DEVICE_GRANT, DEVICE_GRANT], "client_id": CLIENT}
    )
    assert_error(twice, "invalid_request")


def test_a_device_code_belongs_to_its_client(client, services, clock, monkeypatch):
    from tv_backend.services import device_flow

    monkeypatch.setattr(device_flow, "CLIENTS", frozenset({CLIENT, "other-tv"}))
    code = authorize(client)["device_code"]
    assert_error(poll(client, code, client_id="other-tv"), "invalid_grant")


def sign_in_tv(client, services, clock, parent):
    body = authorize(client)
    approve(services, parent, body["user_code"])
    return poll(client, body["device_code"]).get_json()


def refresh(client, token):
    return client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "client_id": CLIENT, "refresh_token": token},
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_refresh_rotates_and_a_reused_refresh_token_signs_the_tv_out(
    client, services, clock, parent
):
    first = sign_in_tv(client, services, clock, parent)
    clock.tick(60)
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 200 and response.headers["Pragma"] == "no-cache"
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 200
    assert_error(refresh(client, first["refresh_token"]), "invalid_grant")  # reuse: a leak
    gone = client.get("/api/v1/me", headers=bearer(second["access_token"]))
    assert gone.status_code == 401
    assert_error(refresh(client, second["refresh_token"]), "invalid_grant")


def test_access_tokens_expire(client, services, clock, parent):
    tokens = sign_in_tv(client, services, clock, parent)
    clock.tick(3600)
    response = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="edutv", error="invalid_token"'
    assert response.get_json()["code"] == "invalid_token"
    assert refresh(client, tokens["refresh_token"]).status_code == 200


def test_refresh_tokens_expire(client, services, clock, parent):
    tokens = sign_in_tv(client, services, clock, parent)
    clock.tick(90 * 24 * 3600)
    assert_error(refresh(client, tokens["refresh_token"]), "invalid_grant")


def test_revoking_a_tv_kills_its_tokens(client, services, clock, parent):
    tokens = sign_in_tv(client, services, clock, parent)
    other = sign_in_tv(client, services, clock, parent)
    devices = client.get("/api/v1/devices", headers=bearer(other["access_token"])).get_json()
    assert len(devices) == 2
    mine = client.get("/api/v1/me", headers=bearer(tokens["access_token"])).get_json()["device"]
    revoked = client.delete(f"/api/v1/devices/{mine['id']}", headers=bearer(other["access_token"]))
    assert revoked.status_code == 204
    response = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert (
        response.status_code == 401
        and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    )
    assert_error(refresh(client, tokens["refresh_token"]), "invalid_grant")
    assert client.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 200


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Basic eDp5"}, {"Authorization": "Bearer "}]
)
def test_the_api_needs_a_bearer_token(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="edutv"'
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_an_unknown_token_is_invalid(client):
    response = client.get("/api/v1/profiles", headers=bearer("made-up"))
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]


def test_tokens_are_stored_hashed(client, services, clock, parent):
    from sqlalchemy import select

    from tv_backend.storage.models import OAuthToken

    tokens = sign_in_tv(client, services, clock, parent)
    with services.sessions() as s:
        stored = set(s.scalars(select(OAuthToken.token_hash)))
    assert tokens["access_token"] not in stored and tokens["refresh_token"] not in stored


def test_public_url_sets_the_verification_uri(settings, tmp_path):
    from dataclasses import replace

    from tv_backend.app import create_app

    app = create_app(replace(settings, public_url="https://tv.example.edu.cn/"), migrate=True)
    try:
        body = (
            app.test_client()
            .post("/oauth/device_authorization", data={"client_id": CLIENT})
            .get_json()
        )
    finally:
        app.extensions["edutv"].close()
    assert body["verification_uri"] == "https://tv.example.edu.cn/device"

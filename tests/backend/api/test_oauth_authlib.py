"""A standard OAuth client (Authlib, over real HTTP) completes TV sign-in unchanged.

The backend runs on a loopback port; the TV is Authlib's ``OAuth2Session`` (a public client,
``token_endpoint_auth_method="none"``), the parent is a ``requests`` session with cookies that
reads each form's CSRF token from the page, as a phone's browser would.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from werkzeug.serving import make_server

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def base_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def clock(services):
    at = [datetime(2026, 9, 1, 8, 0, tzinfo=UTC)]
    services.device_flow.now = services.accounts.now = lambda: at[0]

    def tick(seconds: float) -> None:
        at[0] += timedelta(seconds=seconds)

    return tick


def parent_approves(base_url: str, verification_uri_complete: str) -> None:
    browser = requests.Session()
    page = browser.get(verification_uri_complete, timeout=10)
    user_code = verification_uri_complete.split("user_code=")[1]
    page = browser.post(
        f"{base_url}/device/login",
        data={
            "login": "mum@example.com",
            "password": "correct horse",
            "user_code": user_code,
            "csrf_token": CSRF.search(page.text).group(1),
        },
        timeout=10,
    )
    assert page.status_code == 200 and f'value="{user_code}"' in page.text  # pre-filled
    page = browser.post(
        f"{base_url}/device",
        data={"user_code": user_code, "csrf_token": CSRF.search(page.text).group(1)},
        timeout=10,
    )
    assert "Authlib 电视" in page.text
    done = browser.post(
        f"{base_url}/device/decision",
        data={
            "user_code": user_code,
            "decision": "approve",
            "csrf_token": CSRF.search(page.text).group(1),
        },
        timeout=10,
    )
    assert done.status_code == 200 and "已允许" in done.text


def test_authlib_signs_a_tv_in_and_refreshes(base_url, services, clock):
    services.accounts.create_account("mum@example.com", "correct horse", "parent")
    tv = OAuth2Session(client_id="edutv-tv", token_endpoint_auth_method="none")
    grant = tv.post(
        f"{base_url}/oauth/device_authorization",
        data={"client_id": "edutv-tv", "device_name": "Authlib 电视"},
        withhold_token=True,  # no token yet: the device authorization request of RFC 8628
        timeout=10,
    ).json()
    token_url = f"{base_url}/oauth/token"

    def poll():
        return tv.fetch_token(token_url, grant_type=DEVICE_GRANT, device_code=grant["device_code"])

    with pytest.raises(OAuthError) as pending:
        poll()
    assert pending.value.error == "authorization_pending"
    clock(1)
    with pytest.raises(OAuthError) as slow:
        poll()
    assert slow.value.error == "slow_down"
    parent_approves(base_url, grant["verification_uri_complete"])
    clock(grant["interval"] + 5)
    token = poll()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    me = tv.get(f"{base_url}/api/v1/me", timeout=10)
    assert me.status_code == 200 and me.json()["device"]["name"] == "Authlib 电视"

    refreshed = tv.refresh_token(token_url, refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert tv.get(f"{base_url}/api/v1/profiles", timeout=10).status_code == 200
    with pytest.raises(OAuthError) as reused:
        poll()
    assert reused.value.error == "invalid_grant"

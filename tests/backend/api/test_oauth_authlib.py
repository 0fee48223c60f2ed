"""A standard OAuth client (Authlib, over real HTTP) completes TV sign-in unchanged.

The backend runs on a loopback port; the TV is Authlib's ``OAuth2Session`` (a public client,
``token_endpoint_auth_method="none"``), the parent is a ``requests`` session with cookies that
reads each form's CSRF token from the page, as a phone's browser would.
"""

from __future__ import annotations

import threading

import pytest
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from phone import decide_on_phone
from werkzeug.serving import make_server

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture
def base_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


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
    clock.tick(1)
    with pytest.raises(OAuthError) as slow:
        poll()
    assert slow.value.error == "slow_down"
    done = decide_on_phone(
        base_url,
        grant["verification_uri_complete"],
        "mum@example.com",
        "correct horse",
        tv_name="Authlib 电视",
    )
    assert "已允许" in done.text
    clock.tick(grant["interval"] + 5)
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

"""The TV's accounts client against a real backend over HTTP: sign-in, refresh, revocation.

The parent approves through the real ``/device`` pages with a ``requests`` session (cookies,
each form's CSRF token), as a phone's browser would.
"""

from __future__ import annotations

import re
import stat

import httpx
import pytest
from phone import decide_on_phone

from tv_client.api.accounts import (
    AccountsClient,
    AccountSession,
    OAuthError,
    SignedOut,
    Tokens,
    TokenStore,
)
from tv_client.api.errors import Offline

LOGIN, PASSWORD = "mum@example.com", "correct horse"


@pytest.fixture(scope="module")
def parent(backend_app):
    """A parent with two children; the accounts live in the backend's own database."""
    services = backend_app.extensions["edutv"]
    account = services.accounts.create_account(LOGIN, PASSWORD, "parent")
    for name, grade in (("小明", "g3"), ("小红", None)):
        fields = {"name": name, "avatar": "default", "stage": None, "grade": grade}
        services.accounts.add_profile(account.household_id, fields)


@pytest.fixture
def accounts(backend):
    with httpx.Client(timeout=5) as http:
        yield AccountsClient(backend.url, http=http)


def signed_in(accounts, backend) -> Tokens:
    grant = accounts.authorize("客厅的电视")
    decide_on_phone(backend.url, grant.verification_uri_complete, LOGIN, PASSWORD)
    return accounts.poll(grant.device_code)


def test_a_code_then_pending_then_slow_down(accounts, parent):
    grant = accounts.authorize("客厅的电视")
    assert re.fullmatch(r"[B-Z]{4}-[B-Z]{4}", grant.user_code)
    assert grant.verification_uri_complete.endswith(f"user_code={grant.user_code}")
    assert grant.interval >= 1 and grant.expires_in > 0
    with pytest.raises(OAuthError) as pending:
        accounts.poll(grant.device_code)
    assert pending.value.error == "authorization_pending"
    with pytest.raises(OAuthError) as slow:
        accounts.poll(grant.device_code)  # at once: too soon
    assert slow.value.error == "slow_down"


def test_approved_the_tv_reads_its_household_and_refresh_rotates(accounts, backend, parent):
    tokens = signed_in(accounts, backend)
    me = accounts.me(tokens.access_token)
    assert me["device"]["name"] == "客厅的电视"
    assert [p["name"] for p in me["profiles"]] == ["小明", "小红"]
    assert [p["name"] for p in accounts.profiles(tokens.access_token)] == ["小明", "小红"]
    renewed = accounts.refresh(tokens.refresh_token)
    assert renewed.refresh_token != tokens.refresh_token
    with pytest.raises(OAuthError) as reused:
        accounts.refresh(tokens.refresh_token)  # used up by the rotation: the TV is signed out
    assert reused.value.error == "invalid_grant"
    with pytest.raises(SignedOut):
        accounts.me(renewed.access_token)


def test_denied(accounts, backend, parent):
    grant = accounts.authorize()
    decide_on_phone(backend.url, grant.verification_uri_complete, LOGIN, PASSWORD, "deny")
    with pytest.raises(OAuthError) as denied:
        accounts.poll(grant.device_code)
    assert denied.value.error == "access_denied"


def test_the_session_refreshes_before_expiry_and_keeps_the_new_tokens(
    accounts, backend, parent, tmp_path
):
    store = TokenStore(tmp_path)
    tokens = signed_in(accounts, backend)
    store.save(Tokens(tokens.access_token, tokens.refresh_token, expires_at=0))  # due
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    session = AccountSession(accounts, store)
    assert [p["name"] for p in session.me()["profiles"]] == ["小明", "小红"]
    kept = store.load()
    assert kept.refresh_token != tokens.refresh_token and kept.expires_at > 0
    assert session.me()["device"]["name"] == "客厅的电视"  # no refresh now: not due
    assert store.load() == kept


def test_a_rejected_access_token_is_refreshed_once(accounts, backend, parent, tmp_path):
    store = TokenStore(tmp_path)
    tokens = signed_in(accounts, backend)
    store.save(Tokens("not-a-token", tokens.refresh_token, expires_at=4e9))
    session = AccountSession(accounts, store)
    assert session.me()["device"]["name"] == "客厅的电视"
    assert store.load().access_token != "not-a-token"


def test_a_revoked_tv_is_signed_out_and_forgets_its_tokens(accounts, backend, parent, tmp_path):
    store = TokenStore(tmp_path)
    session = AccountSession(accounts, store)
    session.signed_in_with(signed_in(accounts, backend))
    device = session.me()["device"]["id"]
    accounts.sign_out(store.load().access_token, device)  # as the parent's 退出 button does
    with pytest.raises(SignedOut):
        session.me()
    assert store.load() is None and not session.signed_in


def test_sign_out_revokes_on_the_backend(accounts, backend, parent, tmp_path):
    store = TokenStore(tmp_path)
    session = AccountSession(accounts, store)
    tokens = signed_in(accounts, backend)
    session.signed_in_with(tokens)
    session.sign_out()
    assert store.load() is None
    with pytest.raises(OAuthError):
        accounts.refresh(tokens.refresh_token)


def test_no_backend_is_offline(backend, accounts):
    backend.stop()
    try:
        with pytest.raises(Offline):
            accounts.authorize()
    finally:
        backend.start()


def test_a_damaged_token_file_means_signed_out(tmp_path):
    store = TokenStore(tmp_path)
    store.path.write_text("{not json")
    assert store.load() is None
    store.clear()
    store.clear()  # nothing to remove: fine

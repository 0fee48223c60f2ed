"""The household API: me, child profiles, PINs and TVs, each reachable by its household only.

Another household's ids answer 404, exactly as ids that do not exist, so guessing confirms
nothing."""

from __future__ import annotations

import pytest

CLIENT = "edutv-tv"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def signed_in_tv(client, services, login, name="客厅电视"):
    """A parent of a new household, and a TV of it signed in: the TV's auth headers."""
    parent = services.accounts.create_account(login, "correct horse", "parent")
    body = client.post(
        "/oauth/device_authorization", data={"client_id": CLIENT, "device_name": name}
    ).get_json()
    services.device_flow.decide(body["user_code"], account=parent, network="::1", approve=True)
    tokens = client.post(
        "/oauth/token",
        data={"grant_type": DEVICE_GRANT, "client_id": CLIENT, "device_code": body["device_code"]},
    ).get_json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def mine(client, services):
    return signed_in_tv(client, services, "mum@example.com")


@pytest.fixture
def theirs(client, services):
    return signed_in_tv(client, services, "13900139000", name="邻居的电视")


def add(client, headers, **fields):
    response = client.post("/api/v1/profiles", json={"name": "小明", **fields}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_me_shows_the_household_this_tv_and_the_profiles(client, mine):
    add(client, mine, avatar="panda", stage="primary", grade="g3")
    me = client.get("/api/v1/me", headers=mine)
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"
    body = me.get_json()
    assert body["household"]["name"] == "我的家"
    assert body["device"]["name"] == "客厅电视"
    [profile] = body["profiles"]
    assert profile["name"] == "小明" and profile["avatar"] == "panda"
    assert profile["stage"] == "primary" and profile["grade"] == "g3"
    assert profile["has_pin"] is False and "pin_hash" not in profile


def test_profiles_are_added_changed_and_deleted(client, mine):
    created = add(client, mine, pin="1234")
    assert created["has_pin"] is True and created["avatar"] == "default"
    url = f"/api/v1/profiles/{created['id']}"
    patched = client.patch(url, json={"name": "星星", "grade": None}, headers=mine)
    assert patched.status_code == 200 and patched.get_json()["name"] == "星星"
    assert client.get(url, headers=mine).get_json()["grade"] is None
    assert [p["name"] for p in client.get("/api/v1/profiles", headers=mine).get_json()] == ["星星"]
    assert client.delete(url, headers=mine).status_code == 204
    assert client.get(url, headers=mine).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 33}, "name"),
        ({"name": "小明", "pin": "12a4"}, "pin"),
        ({"name": "小明", "pin": "12345"}, "pin"),
        ({"name": "小明", "stage": "Primary School"}, "stage"),
        ({"name": "小明", "household_id": 2}, "household_id"),
    ],
)
def test_bad_profiles_are_refused_with_the_field(client, mine, body, field):
    response = client.post("/api/v1/profiles", json=body, headers=mine)
    assert response.status_code == 400 and field in response.get_json()["errors"]


def test_pins_are_stored_hashed_and_verified(client, services, mine):
    from sqlalchemy import select

    from tv_backend.storage.models import ChildProfile

    profile = add(client, mine, pin="0420")
    with services.sessions() as s:
        stored = s.scalar(select(ChildProfile.pin_hash))
    assert "0420" not in stored and stored.startswith("$argon2id$")
    url = f"/api/v1/profiles/{profile['id']}/pin"
    ok = client.post(url, json={"action": "verify", "pin": "0420"}, headers=mine)
    assert ok.status_code == 200 and ok.get_json()["verified"] is True
    wrong = client.post(url, json={"action": "verify", "pin": "0000"}, headers=mine)
    assert wrong.status_code == 403 and wrong.get_json()["code"] == "wrong_pin"


def test_changing_a_pin_needs_the_current_one(client, mine):
    profile = add(client, mine, pin="1111")
    url = f"/api/v1/profiles/{profile['id']}/pin"
    refused = client.post(url, json={"action": "set", "pin": "2222"}, headers=mine)
    assert refused.status_code == 403
    changed = client.post(
        url, json={"action": "set", "pin": "2222", "current_pin": "1111"}, headers=mine
    )
    assert changed.status_code == 200 and changed.get_json()["profile"]["has_pin"] is True
    cleared = client.post(url, json={"action": "clear", "current_pin": "2222"}, headers=mine)
    assert cleared.get_json()["profile"]["has_pin"] is False
    anything = client.post(url, json={"action": "verify", "pin": "9999"}, headers=mine)
    assert anything.get_json()["verified"] is True  # no PIN: nothing to guard


def test_wrong_pins_are_limited(client, mine):
    profile = add(client, mine, pin="1111")
    url = f"/api/v1/profiles/{profile['id']}/pin"
    for _ in range(5):
        assert (
            client.post(url, json={"action": "verify", "pin": "0000"}, headers=mine).status_code
            == 403
        )
    blocked = client.post(url, json={"action": "verify", "pin": "1111"}, headers=mine)
    assert blocked.status_code == 429 and blocked.get_json()["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0


def test_a_pin_request_needs_its_pin(client, mine):
    profile = add(client, mine)
    url = f"/api/v1/profiles/{profile['id']}/pin"
    response = client.post(url, json={"action": "verify"}, headers=mine)
    assert response.status_code == 400 and "pin" in response.get_json()["errors"]


def test_another_household_cannot_reach_my_profiles(client, mine, theirs):
    profile = add(client, mine, pin="1234")
    url = f"/api/v1/profiles/{profile['id']}"
    missing = client.get("/api/v1/profiles/999999", headers=theirs)
    assert missing.status_code == 404
    for method, path, body in [
        ("get", url, None),
        ("patch", url, {"name": "坏人"}),
        ("delete", url, None),
        ("post", f"{url}/pin", {"action": "verify", "pin": "1234"}),
        ("post", f"{url}/pin", {"action": "clear"}),
    ]:
        response = getattr(client, method)(path, json=body, headers=theirs)
        assert response.status_code == 404, (method, path)
        assert response.get_json() == {
            **missing.get_json(),
            "message": response.get_json()["message"],
        }
    assert client.get("/api/v1/profiles", headers=theirs).get_json() == []
    assert client.get(url, headers=mine).get_json()["name"] == "小明"


def test_another_household_cannot_see_or_sign_out_my_tvs(client, mine, theirs):
    my_tv = client.get("/api/v1/me", headers=mine).get_json()["device"]
    their_tvs = client.get("/api/v1/devices", headers=theirs).get_json()
    assert [tv["name"] for tv in their_tvs] == ["邻居的电视"]
    assert client.delete(f"/api/v1/devices/{my_tv['id']}", headers=theirs).status_code == 404
    assert client.delete("/api/v1/devices/999999", headers=theirs).status_code == 404
    assert client.get("/api/v1/me", headers=mine).status_code == 200


def test_the_openapi_document_lists_the_household_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/profiles/{profile_id}/pin" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"

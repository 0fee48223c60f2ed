"""/device: a parent signs in, types (or follows) the code, sees which TV asks, approves or
denies; signed-in TVs can be signed out. Sessions, CSRF and the brute-force limits."""

from __future__ import annotations

import re

import pytest

CLIENT = "edutv-tv"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def parent(services):
    return services.accounts.create_account("138 0013 8000", "correct horse", "parent")


def csrf(page) -> str:
    return CSRF.search(page.get_data(as_text=True)).group(1)


def sign_in(client, login="+86 13800138000", password="correct horse", user_code=""):
    page = client.get(f"/device?user_code={user_code}")
    return client.post(
        "/device/login",
        data={
            "login": login,
            "password": password,
            "csrf_token": csrf(page),
            "user_code": user_code,
        },
    )


def authorize(client, name="书房电视"):
    return client.post(
        "/oauth/device_authorization", data={"client_id": CLIENT, "device_name": name}
    ).get_json()


def enter(client, user_code):
    page = client.get("/device")
    return client.post("/device", data={"user_code": user_code, "csrf_token": csrf(page)})


def decide(client, confirm_page, decision):
    code = re.search(r'name="user_code" value="([^"]+)"', confirm_page.get_data(as_text=True))
    data = {"user_code": code.group(1), "decision": decision, "csrf_token": csrf(confirm_page)}
    return client.post("/device/decision", data=data)


def poll(client, device_code):
    return client.post(
        "/oauth/token",
        data={"grant_type": DEVICE_GRANT, "client_id": CLIENT, "device_code": device_code},
    )


def test_the_sign_in_page_is_chinese_first_and_sets_safe_cookies(client):
    page = client.get("/device")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.index("家长登录") < text.index("Parent sign-in")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_signing_in_sets_an_http_only_lax_session(client, parent, clock):
    response = sign_in(client)
    assert response.status_code == 303
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "edutv_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/device" in cookie
    assert "输入电视上的代码" in client.get("/device").get_data(as_text=True)


def test_a_wrong_password_is_one_message(client, parent, clock):
    wrong = sign_in(client, password="wrong horse!")
    unknown = sign_in(client, login="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert "账号或密码不正确" in wrong.get_data(as_text=True)
    assert "账号或密码不正确" in unknown.get_data(as_text=True)


def test_every_form_needs_its_csrf_token(client, parent, clock):
    client.get("/device")
    forged = client.post(
        "/device/login", data={"login": "13800138000", "password": "correct horse"}
    )
    assert forged.status_code == 400 and "页面已过期" in forged.get_data(as_text=True)
    sign_in(client)
    body = authorize(client)
    no_token = client.post("/device", data={"user_code": body["user_code"]})
    assert no_token.status_code == 400
    stale = client.post("/device", data={"user_code": body["user_code"], "csrf_token": "x" * 43})
    assert stale.status_code == 400


def test_approving_through_the_pages_signs_the_tv_in(client, parent, clock):
    body = authorize(client)
    sign_in(client, user_code=body["user_code"])
    page = client.get(f"/device?user_code={body['user_code']}")
    assert f'value="{body["user_code"]}"' in page.get_data(as_text=True)  # pre-filled
    clock.tick(120)
    confirm = enter(client, body["user_code"].lower())
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "书房电视" in text and "2026-09-01 16:00" in text
    assert "2 分钟前" in text
    done = decide(client, confirm, "approve")
    assert done.status_code == 200 and "已允许" in done.get_data(as_text=True)
    tokens = poll(client, body["device_code"])
    assert tokens.status_code == 200 and "access_token" in tokens.get_json()


def test_denying_through_the_pages(client, parent, clock):
    body = authorize(client)
    sign_in(client)
    done = decide(client, enter(client, body["user_code"].replace("-", "")), "deny")
    assert "已拒绝" in done.get_data(as_text=True)
    assert poll(client, body["device_code"]).get_json()["error"] == "access_denied"


def test_the_device_name_is_escaped(client, parent, clock):
    body = authorize(client, name="<script>alert(1)</script>")
    sign_in(client)
    text = enter(client, body["user_code"]).get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_a_code_answered_once_cannot_be_answered_again(client, parent, clock):
    body = authorize(client)
    sign_in(client)
    confirm = enter(client, body["user_code"])
    decide(client, confirm, "approve")
    again = decide(client, confirm, "deny")
    assert again.status_code == 404
    assert poll(client, body["device_code"]).status_code == 200


def test_wrong_codes_are_limited_per_account(client, parent, clock):
    sign_in(client)
    body = authorize(client)
    for _ in range(10):
        assert enter(client, "BCDF-GHJK").status_code == 404
    blocked = enter(client, body["user_code"])  # even the right code, now
    assert blocked.status_code == 429 and "输入错误次数过多" in blocked.get_data(as_text=True)


def test_wrong_codes_are_limited_per_network_across_accounts(app, client, services, clock):
    for n in range(2):
        services.accounts.create_account(f"p{n}@example.com", "correct horse", "parent")
    first, second = app.test_client(), app.test_client()
    sign_in(first, login="p0@example.com")
    sign_in(second, login="p1@example.com")
    for _ in range(10):
        enter(first, "BCDF-GHJK")
    assert enter(second, authorize(client)["user_code"]).status_code == 429


def test_ipv6_networks_count_by_64(app, services, clock):
    services.accounts.create_account("p@example.com", "correct horse", "parent")
    one = app.test_client()
    one.environ_base["REMOTE_ADDR"] = "2001:db8:1:2::10"
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "2001:db8:1:2:ffff::1"
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "2001:db8:1:3::1"
    services.accounts.create_account("q@example.com", "correct horse", "parent")
    services.accounts.create_account("r@example.com", "correct horse", "parent")
    sign_in(one, login="p@example.com")
    sign_in(other, login="q@example.com")
    sign_in(elsewhere, login="r@example.com")
    for _ in range(10):
        enter(one, "BCDF-GHJK")
    assert enter(other, "BCDF-GHJK").status_code == 429
    assert enter(elsewhere, "BCDF-GHJK").status_code == 404


def test_the_limit_lifts_after_the_window(client, parent, clock):
    sign_in(client)
    counter = client.application.extensions["edutv"].device_flow.code_attempts.counter
    for _ in range(10):
        enter(client, "BCDF-GHJK")
    assert enter(client, "BCDF-GHJK").status_code == 429
    end_windows(counter)
    assert enter(client, "BCDF-GHJK").status_code == 404


def end_windows(counter) -> None:
    """Every counting window ends now (the in-process clock jumps; Redis keys expire)."""
    if hasattr(counter, "_clock"):
        counter._clock = lambda: 10_000_000.0
        return
    for key in counter._redis.scan_iter(f"{counter._namespace}:attempts:*"):
        counter._redis.delete(key)


def test_failed_sign_ins_are_limited(client, parent, clock):
    for _ in range(10):
        assert sign_in(client, password="wrong horse!").status_code == 401
    blocked = sign_in(client)
    assert blocked.status_code == 429 and "登录失败次数过多" in blocked.get_data(as_text=True)


def test_staff_cannot_sign_tvs_in(client, services, clock):
    services.accounts.create_account("ops@example.com", "correct horse", "operator")
    sign_in(client, login="ops@example.com")
    body = authorize(client)
    assert enter(client, body["user_code"]).status_code == 403


def test_the_household_tvs_page_signs_a_tv_out(client, parent, clock):
    body = authorize(client)
    sign_in(client)
    decide(client, enter(client, body["user_code"]), "approve")
    tokens = poll(client, body["device_code"]).get_json()
    page = client.get("/device/tvs")
    assert "书房电视" in page.get_data(as_text=True)
    action = re.search(r'action="(/device/tvs/\d+/revoke)"', page.get_data(as_text=True)).group(1)
    assert client.post(action, data={"csrf_token": csrf(page)}).status_code == 303
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert "书房电视" not in client.get("/device/tvs").get_data(as_text=True)


def test_another_household_cannot_sign_my_tv_out(app, client, parent, services, clock):
    body = authorize(client)
    sign_in(client)
    decide(client, enter(client, body["user_code"]), "approve")
    tokens = poll(client, body["device_code"]).get_json()
    device_id = services.device_flow.devices(parent.household_id)[0].id
    services.accounts.create_account("other@example.com", "correct horse", "parent")
    stranger = app.test_client()
    sign_in(stranger, login="other@example.com")
    page = stranger.get("/device/tvs")
    answer = stranger.post(f"/device/tvs/{device_id}/revoke", data={"csrf_token": csrf(page)})
    assert answer.status_code == 404
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_signing_out_ends_the_session(client, parent, clock):
    sign_in(client)
    page = client.get("/device")
    client.post("/device/logout", data={"csrf_token": csrf(page)})
    assert "家长登录" in client.get("/device").get_data(as_text=True)
    assert client.get("/device/tvs").status_code == 303


class DownCounter:
    """A Redis counter whose server is gone."""

    def _down(self, *args, **kwargs):
        import redis

        raise redis.ConnectionError("Connection refused")

    add = count = clear = _down


def test_unreadable_counters_refuse_the_attempt(client, services, parent, clock):
    from dataclasses import replace

    sign_in(client)
    body = authorize(client)
    flow = services.device_flow
    flow.code_attempts = replace(flow.code_attempts, counter=DownCounter())
    refused = enter(client, body["user_code"])
    assert refused.status_code == 503 and "服务暂时不可用" in refused.get_data(as_text=True)

"""The real app under Xvfb signs in to a real backend: code and QR code, approval, revocation.

The parent approves on the real ``/device`` pages with a ``requests`` session (cookies and each
form's CSRF token), as a phone's browser would; the TV then asks "who's watching?" with her
children. The screenshot of the sign-in screen is read back: tesseract finds the Chinese text,
and zbarimg (Debian ``zbar-tools``) decodes the QR code to ``verification_uri_complete``.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess

import httpx
import pytest
from phone import decide_on_phone

pytestmark = pytest.mark.kivy

LOGIN, PASSWORD = "dad@example.com", "correct horse"


@pytest.fixture(scope="module")
def parent(backend):
    services = backend.app.extensions["edutv"]
    account = services.accounts.create_account(LOGIN, PASSWORD, "parent")
    for name in ("小明", "小红"):
        fields = {"name": name, "avatar": "default", "stage": None, "grade": None}
        services.accounts.add_profile(account.household_id, fields)


def open_account_entry(app) -> dict:
    """Home, Up to the top bar, Right to 设置, OK; then Down past About to the account entry."""
    app.wait_for(lambda s: s["screen"] == "home" and s["status"] == "ready")
    state = app.press("UP")
    for _ in range(6):
        if state["focus"] == "nav/settings":
            break
        state = app.press("RIGHT")
    assert app.press("OK")["screen"] == "settings"
    state = app.press(*["DOWN"] * 6)
    assert state["focus"] == "item/account"
    return state


def read_screen(shot) -> tuple[str, str | None]:
    """The screenshot's Chinese text (tesseract) and its QR code (zbarimg, if installed)."""
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (apt: tesseract-ocr tesseract-ocr-chi-sim)")
    ocr = ["tesseract", str(shot), "stdout", "-l", "chi_sim"]
    text = subprocess.run(ocr, capture_output=True, text=True, check=True).stdout
    if shutil.which("zbarimg") is None:
        return text.replace(" ", ""), None
    zbar = ["zbarimg", "--raw", "-q", str(shot)]
    decoded = subprocess.run(zbar, capture_output=True, text=True, check=True).stdout.strip()
    return text.replace(" ", ""), decoded


def sign_in(app, backend) -> dict:
    """Settings' 登录 entry, the code on screen, the parent approves: "who's watching?"."""
    assert open_account_entry(app)["account"] == "登录 Sign in"
    app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "signin" and s["phase"] == "waiting")
    decide_on_phone(backend.url, state["qr"], LOGIN, PASSWORD)
    return app.wait_for(lambda s: s["screen"] == "profiles", limit=40)


def test_sign_in_lands_on_whos_watching_and_a_revoked_tv_is_told(tv_app, backend, parent, tmp_path):
    data_dir = tmp_path / "box"
    app = tv_app(data_dir)
    assert open_account_entry(app)["account"] == "登录 Sign in"
    app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "signin" and s["phase"] == "waiting")
    assert re.fullmatch(r"[B-Z]{4}-[B-Z]{4}", state["user_code"])
    assert state["qr"] == f"{backend.url}/device?user_code={state['user_code']}"
    assert len(state["highlights"]) == 1  # the 获取新代码 button

    text, decoded = read_screen(app.screenshot("signin"))
    assert "登录" in text and "等待家长" in text, text
    assert decoded is None or decoded == state["qr"]  # the QR code a phone would scan

    decide_on_phone(backend.url, state["qr"], LOGIN, PASSWORD)
    state = app.wait_for(lambda s: s["screen"] == "profiles", limit=40)
    assert state["profiles"] == ["小明", "小红"]
    tokens = data_dir / "tokens.json"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    app.close()

    # The parent signs the TV out on her phone while it is off: on start it says so.
    access = json.loads(tokens.read_text())["access_token"]
    auth = {"Authorization": f"Bearer {access}"}
    device = httpx.get(f"{backend.url}/api/v1/me", headers=auth).json()["device"]["id"]
    assert httpx.delete(f"{backend.url}/api/v1/devices/{device}", headers=auth).status_code == 204
    again = tv_app(data_dir)
    state = again.wait_for(lambda s: s["screen"] == "signin", limit=40)
    assert state["notice"] == "此电视已退出登录\nThis TV was signed out"
    assert not tokens.exists()
    again.screenshot("signin-signed-out")
    assert again.press("BACK")["screen"] == "home"


def test_sign_out_from_settings(tv_app, backend, parent, tmp_path):
    data_dir = tmp_path / "box"
    app = tv_app(data_dir)
    sign_in(app, backend)
    access = json.loads((data_dir / "tokens.json").read_text())["access_token"]
    app.press("BACK")
    assert open_account_entry(app)["account"] == "退出登录 Sign out"
    app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "settings" and s["account"] == "登录 Sign in")
    assert state["focus"] == "item/account" and len(state["highlights"]) == 1
    assert not (data_dir / "tokens.json").exists()
    auth = {"Authorization": f"Bearer {access}"}
    assert httpx.get(f"{backend.url}/api/v1/me", headers=auth).status_code == 401  # revoked
    assert app.press("UP")["focus"] == "item/about"

"""A parent on a phone: the real ``/device`` pages over HTTP, as a phone's browser uses them.

A ``requests`` session keeps the cookies and reads each form's CSRF token from the page before
posting it: open ``verification_uri_complete``, sign in, confirm the code, approve or deny.
"""

from __future__ import annotations

import re

import requests

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {page.url} ({page.status_code})"
    return found.group(1)


def decide_on_phone(
    base_url: str,
    verification_uri_complete: str,
    login: str,
    password: str,
    decision: str = "approve",
    *,
    tv_name: str | None = None,
) -> requests.Response:
    """Sign in as ``login`` and answer the TV's request; the final page (checked to be 200).

    ``tv_name``: also check that the confirmation page names the TV that asked.
    """
    browser = requests.Session()
    page = browser.get(verification_uri_complete, timeout=10)
    user_code = verification_uri_complete.split("user_code=")[1]
    form = {"login": login, "password": password, "user_code": user_code}
    page = browser.post(
        f"{base_url}/device/login", data={**form, "csrf_token": _csrf(page)}, timeout=10
    )
    assert page.status_code == 200 and f'value="{user_code}"' in page.text  # pre-filled
    page = browser.post(
        f"{base_url}/device",
        data={"user_code": user_code, "csrf_token": _csrf(page)},
        timeout=10,
    )
    if tv_name is not None:
        assert tv_name in page.text
    done = browser.post(
        f"{base_url}/device/decision",
        data={"user_code": user_code, "decision": decision, "csrf_token": _csrf(page)},
        timeout=10,
    )
    assert done.status_code == 200, done.text
    return done

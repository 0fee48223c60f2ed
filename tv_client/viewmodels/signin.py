"""The sign-in screen's state (RFC 8628 on the TV): the code, the QR payload, when to poll.

Phases::

    REQUESTING --grant--> WAITING --approved--> APPROVED        (the screen fetches /me)
        ^  |                |  |
        |  '--offline--> ERROR (OK, or by itself after RETRY_AFTER)
        '--- expired_token / past expires_in: a new code, by itself
                            '--access_denied--> DENIED (OK asks for a new code)

One button, 获取新代码 New code, holds the focus: OK asks for a new code at any time.

The screen asks `SignInViewModel.next_step` (``"request"``, ``"poll"`` or None) on a timer,
runs that call on a worker and hands the answer back (`granted`, `polled`, `failed`); time is
always passed in (``now``, seconds), so tests drive it with plain numbers. While a call is out
nothing else is asked. ``slow_down`` adds 5 s to the interval for good (RFC 8628 §3.5); a lost
network while waiting keeps the code on screen and polls again after the interval.

Texts are Chinese first with English beneath (the parent may read either); Back is never used
here: the screen goes back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels import HANDLED, IGNORED, Outcome

SLOW_DOWN_STEP = 5  # seconds added to the interval by each slow_down (RFC 8628 §3.5)
RETRY_AFTER = 10.0  # seconds before a failed code request is tried again by itself

MESSAGES = {
    "title": ("登录 EduTV", "Sign in to EduTV"),
    "scan": ("用手机扫描二维码，或打开", "Scan the QR code with a phone, or open"),
    "enter": ("输入下面的代码", "and enter this code"),
    "requesting": ("正在获取登录代码…", "Getting a sign-in code…"),
    "waiting": ("等待家长在手机上确认…", "Waiting for a parent to approve on the phone…"),
    "renewed": ("代码已过期，已换新代码", "The code expired; here is a new one"),
    "denied": ("家长拒绝了登录。按确定键获取新代码", "A parent declined. Press OK for a new code"),
    "approved": ("登录成功，正在读取家庭成员…", "Signed in. Loading your family…"),
    "offline": ("无法连接服务器，正在重试…", "Cannot reach the server; retrying…"),
    "error": ("无法获取登录代码。按确定键重试", "Could not get a code. Press OK to try again"),
    "signed_out": ("此电视已退出登录", "This TV was signed out"),
    "hint": ("按返回键离开", "Press Back to leave"),
    "new_code": ("获取新代码", "New code"),
}


class Phase(enum.Enum):
    REQUESTING = "requesting"
    WAITING = "waiting"
    DENIED = "denied"
    APPROVED = "approved"
    ERROR = "error"


@dataclass(frozen=True)
class SignInView:
    """What the screen draws; each text is ``"中文\\nEnglish"``."""

    phase: Phase
    title: str
    user_code: str  # "WGRN-LVXC", or "" while there is none
    verification_uri: str
    qr: str  # verification_uri_complete: the QR code's payload, or ""
    status: str
    notice: str  # why the screen shows (this TV was signed out), or ""
    hint: str


def say(key: str) -> str:
    zh, en = MESSAGES[key]
    return f"{zh}\n{en}"


def display_code(user_code: str) -> str:
    """``"WGRNLVXC"`` or ``"wgrn-lvxc"`` as ``"WGRN-LVXC"``."""
    letters = "".join(c for c in user_code.upper() if c.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else user_code.upper()


class SignInViewModel:
    """Sign-in on the TV; ``reason="signed_out"`` says why it shows (a revoked TV)."""

    def __init__(self, reason: str | None = None) -> None:
        self.phase = Phase.REQUESTING
        self.reason = reason
        self.grant: dict | None = None
        self.interval = 5
        self.expires_at = 0.0
        self.due_at = 0.0  # when the next call may go out
        self.in_flight = False
        self.status_key = "requesting"

    def next_step(self, now: float) -> str | None:
        """``"request"`` (a new code), ``"poll"`` (the token endpoint) or None; the screen then
        runs it and reports back. Marks the call as out: nothing else is asked meanwhile."""
        if self.in_flight or now < self.due_at:
            return None
        if self.phase is Phase.WAITING and now >= self.expires_at:
            self._renew("renewed")
        step = {Phase.REQUESTING: "request", Phase.WAITING: "poll", Phase.ERROR: "request"}
        chosen = step.get(self.phase)
        self.in_flight = chosen is not None
        return chosen

    def granted(self, grant: dict, now: float) -> None:
        """The device authorization answer: show its code, first poll after its interval."""
        self.in_flight = False
        self.grant = grant
        self.phase = Phase.WAITING
        self.interval = int(grant.get("interval", 5))
        self.expires_at = now + float(grant.get("expires_in", 600))
        self.due_at = now + self.interval
        if self.status_key != "renewed":
            self.status_key = "waiting"

    def polled(self, error: str | None, now: float) -> None:
        """A poll's outcome: None when approved, else the RFC 8628 error code."""
        self.in_flight = False
        if error is None:
            self.phase, self.status_key = Phase.APPROVED, "approved"
            return
        if error == "slow_down":
            self.interval += SLOW_DOWN_STEP
        if error in ("authorization_pending", "slow_down"):
            self.due_at = now + self.interval
            self.status_key = "waiting"
        elif error == "access_denied":
            self.phase, self.status_key = Phase.DENIED, "denied"
        else:  # expired_token, invalid_grant (exchanged or unknown): start over with a new code
            self._renew("renewed")

    def failed(self, now: float) -> None:
        """The backend could not be reached: keep the code and poll again, or retry the
        request for a code after `RETRY_AFTER`."""
        self.in_flight = False
        if self.phase is Phase.WAITING:
            self.due_at = now + self.interval
            self.status_key = "offline"
        else:
            self.phase, self.status_key = Phase.ERROR, "error"
            self.due_at = now + RETRY_AFTER

    def press(self, press: KeyPress) -> Outcome:
        """OK (the one button, 获取新代码) asks for a new code; Back is the screen's."""
        if press.action is Action.BACK:
            return IGNORED
        if press.action is Action.OK and self.phase is not Phase.APPROVED and not self.in_flight:
            self._renew("requesting")
            self.due_at = 0.0
        return HANDLED

    def view(self) -> SignInView:
        grant = self.grant if self.phase in (Phase.WAITING, Phase.APPROVED) else None
        return SignInView(
            phase=self.phase,
            title=say("title"),
            user_code=display_code(grant["user_code"]) if grant else "",
            verification_uri=grant["verification_uri"] if grant else "",
            qr=grant.get("verification_uri_complete", "") if grant else "",
            status=say(self.status_key),
            notice=say("signed_out") if self.reason == "signed_out" else "",
            hint=say("hint"),
        )

    def _renew(self, status_key: str) -> None:
        self.phase, self.grant, self.status_key = Phase.REQUESTING, None, status_key

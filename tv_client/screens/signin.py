"""Sign in (登录): the code in very large type, the address, and a QR code to scan.

It draws `SignInViewModel` and runs what it asks for on the app's background tasks (one
channel, so only the latest answer counts): a code from ``/oauth/device_authorization``, then
polls of ``/oauth/token`` at the grant's interval. Once approved the tokens are kept
(`AccountSession`), ``/api/v1/me`` is read, and the household goes up to the app
(``on_signed_in``), which opens "who's watching". The QR code of ``verification_uri_complete``
is drawn from segno's module matrix into a texture, one texel per module with a 4-module quiet
zone, scaled by a whole number with nearest-neighbour filtering: crisp edges for phone cameras.

One yellow highlight: the 获取新代码 (New code) button. Back always goes back.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import segno
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.api.accounts import AccountSession, OAuthError
from tv_client.api.errors import ClientError
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels.signin import SignInViewModel, say
from tv_client.widgets.text import place_label, tv_label

X, Y = theme.SAFE_X, theme.SAFE_Y
QR_TOP, QR_SIZE = 250, 600
RIGHT_X = X + QR_SIZE + 96
RIGHT_W = theme.LOGICAL_W - theme.SAFE_X - RIGHT_X
CODE_SIZE = 150  # logical px: readable across a living room
QUIET = 4  # modules of white around the code (ISO/IEC 18004)
TICK = 0.25  # seconds between two looks at the view-model's next step
ERROR_COLOR = "#FF8A80"


def qr_texture(payload: str) -> Texture:
    """``payload`` as a QR code: one texel per module, quiet zone included, nearest filtering."""
    matrix = segno.make(payload, error="m", micro=False).matrix
    n = len(matrix) + 2 * QUIET
    rows = [bytes([255]) * n] * QUIET
    rows += [bytes([255] * QUIET + [0 if dark else 255 for dark in row] + [255] * QUIET)
             for row in matrix]  # fmt: skip
    rows += [bytes([255]) * n] * QUIET
    pixels = b"".join(bytes(v for v in row for _ in range(4)) for row in reversed(rows))
    texture = Texture.create(size=(n, n), colorfmt="rgba")  # rgba: rows are 4-byte aligned
    texture.blit_buffer(pixels, colorfmt="rgba", bufferfmt="ubyte")
    texture.mag_filter = texture.min_filter = "nearest"
    return texture


class _Qr(Widget):
    """The QR code on a white square; empty while there is no code."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        self.payload = ""
        with self.canvas:
            self.tint = Color(1, 1, 1, 0)
            self.image = Rectangle()

    def draw(self, payload: str, rect: Rect) -> None:
        if payload != self.payload:
            self.payload = payload
            self.image.texture = qr_texture(payload) if payload else None
        self.tint.a = 1 if payload else 0
        x, y, w, _h = theme.to_window(rect)
        texture = self.image.texture
        side = w
        if texture is not None:  # a whole number of window pixels per module
            side = max(1, int(w // texture.width)) * texture.width
        self.pos, self.size = (x, y), (side, side)
        self.image.pos, self.image.size = (int(x), int(y + w - side)), (side, side)


class SignInScreen(TvScreen):
    """Sign-in; focus is ``new_code`` (the one button)."""

    def __init__(
        self,
        context,
        *,
        session: AccountSession,
        on_signed_in: Callable[[dict[str, Any]], None],
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(context, **kwargs)
        self.session, self.on_signed_in, self.clock = session, on_signed_in, clock
        self.vm = SignInViewModel()
        self._timer = None
        self.title = tv_label(size=theme.TEXT_HERO, bold=True)
        self.notice = tv_label(size=theme.TEXT_TITLE, bold=True, color=ERROR_COLOR)
        self.qr = _Qr()
        self.scan = tv_label(size=theme.TEXT_TITLE, color="text_dim")
        self.uri = tv_label(size=theme.TEXT_TITLE, bold=True, shorten=True)
        self.enter = tv_label(size=theme.TEXT_TITLE, color="text_dim")
        self.code = tv_label(size=CODE_SIZE, bold=True)  # white: yellow is the focus
        self.status = tv_label(size=theme.TEXT_BODY)
        self.button = tv_label(size=theme.TEXT_BODY, color="background", halign="center")
        with self.button.canvas.before:
            Color(*theme.color("focus"))
            self.button_box = RoundedRectangle(radius=[theme.px(12)])
        self.hint = tv_label(size=theme.TEXT_SMALL, color="text_dim")
        for child in (self.title, self.notice, self.qr, self.scan, self.uri, self.enter,
                      self.code, self.status, self.button, self.hint):  # fmt: skip
            self.add_widget(child)

    def show(self, reason: str | None = None, **_params: Any) -> None:
        """Opened afresh: a new code; ``reason="signed_out"`` says this TV was signed out."""
        self.vm = SignInViewModel(reason)
        self.context.tasks.cancel("signin")
        self.resume()

    def resume(self) -> None:
        if self._timer is None:
            self._timer = Clock.schedule_interval(lambda _dt: self._tick(), TICK)
        self._tick()

    def leave(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.context.tasks.cancel("signin")
        self.vm.in_flight = False  # the dropped answer will not come: ask again on return

    def on_action(self, press: KeyPress) -> bool:
        outcome = self.vm.press(press)
        if outcome.consumed:
            self.context.tasks.cancel("signin")
            self._tick()
        return outcome.consumed

    def _tick(self) -> None:
        step = self.vm.next_step(self.clock())
        tasks, client = self.context.tasks, self.session.client
        if step == "request":
            tasks.run("signin", client.authorize, self._granted, self._failed)
        elif step == "poll":
            poll = functools.partial(self._poll, self.vm.grant["device_code"])
            tasks.run("signin", poll, self._polled, self._failed)
        self.relayout()

    def _poll(self, device_code: str) -> dict[str, Any] | str:
        """On a worker: the household once approved, else the RFC 8628 error code."""
        try:
            tokens = self.session.client.poll(device_code)
        except OAuthError as exc:
            return exc.error
        self.session.signed_in_with(tokens)
        try:
            return self.session.me()
        except ClientError:  # signed in all the same: the profiles come on the next start
            return {}

    def _granted(self, grant) -> None:
        self.vm.granted(vars(grant), self.clock())
        self.relayout()

    def _polled(self, answer: dict[str, Any] | str) -> None:
        approved = isinstance(answer, dict)
        self.vm.polled(None if approved else answer, self.clock())
        self.relayout()
        if approved:
            self.leave()  # the app rebuilds its screens: this one's timer must stop
            self.on_signed_in(answer)

    def _failed(self, _error: BaseException) -> None:
        self.vm.failed(self.clock())
        self.relayout()

    def relayout(self) -> None:
        view = self.vm.view()
        self.title.text, self.notice.text = view.title, view.notice
        place_label(self.title, X, Y, RIGHT_X - X - 32, 180, theme.TEXT_HERO)
        place_label(self.notice, RIGHT_X, Y, RIGHT_W, 180, theme.TEXT_TITLE)
        self.qr.draw(view.qr, Rect(X, QR_TOP, QR_SIZE, QR_SIZE))
        self.scan.text = say("scan") if view.qr else ""
        self.uri.text = view.verification_uri
        self.enter.text = say("enter") if view.user_code else ""
        self.code.text = view.user_code
        self.status.text = view.status
        self.button.text = say("new_code").replace("\n", " ")
        self.hint.text = view.hint
        place_label(self.scan, RIGHT_X, QR_TOP, RIGHT_W, 130, theme.TEXT_TITLE)
        place_label(self.uri, RIGHT_X, QR_TOP + 130, RIGHT_W, 70, theme.TEXT_TITLE)
        place_label(self.enter, RIGHT_X, QR_TOP + 210, RIGHT_W, 130, theme.TEXT_TITLE)
        place_label(self.code, RIGHT_X, QR_TOP + 350, RIGHT_W, 200, CODE_SIZE)
        place_label(self.status, RIGHT_X, QR_TOP + 540, RIGHT_W, 100, theme.TEXT_BODY)
        top = QR_TOP + QR_SIZE + 40
        place_label(self.button, X, top, QR_SIZE, 80, theme.TEXT_BODY)
        self.button_box.pos, self.button_box.size = self.button.pos, self.button.size
        place_label(self.hint, RIGHT_X, top + 10, RIGHT_W, 90, theme.TEXT_SMALL)

    def focused_id(self) -> str | None:
        return "new_code"

    def snapshot(self) -> dict[str, Any]:
        view = self.vm.view()
        return {
            "focus": "new_code",
            "phase": view.phase.value,
            "user_code": view.user_code,
            "verification_uri": view.verification_uri,
            "qr": view.qr,
            "status": view.status,
            "notice": view.notice,
            "interval": self.vm.interval,
        }

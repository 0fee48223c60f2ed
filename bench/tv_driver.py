"""In-app driver for bench/tv_client.py: runs the TV app (or a minimal Kivy reference app) and
times, inside the process, a key dispatch to the first buffer swap that shows its effect.

    python bench/tv_driver.py tv|reference      (DISPLAY set; started by bench/tv_client.py)

One JSON command per line on stdin, each answered by one line ``@@ {...}`` on stdout (Kivy's own
log goes to stderr). Times are ``time.monotonic()`` seconds (CLOCK_MONOTONIC, the same clock in
every process of the machine), so the benchmark can subtract the moment it spawned the process.

- At start-up, without being asked: once the first screen is drawn (the home screen's rows; the
  reference's label), RIGHT is dispatched; the first line is ``{"started": true, "phases": ...}``
  with the moment that key's effect was swapped to the screen (``interactive``) and phases before.
- ``{"cmd": "press", "code": 275, "expect": "focus"|"course"|"home", "limit": 5}``: dispatch the
  raw key through ``Window.on_key_down`` (the path the SDL keyboard takes) and answer with the time
  to the first swap after which ``expect`` holds (``ms``), the time the app's handler took
  (``handler_ms``) and, for page switches, the first swap showing the new screen still loading
  (``shown_ms``).
- ``{"cmd": "state"}``: ``TvApp.snapshot()`` plus the home rows' sizes (reference: a small dict).
- ``{"cmd": "frames"}``: buffer swaps so far (idle frame rate: what keeps redrawing).
- ``{"cmd": "quit"}``: stop the app.

"Drawn" is measured after ``Window.flip`` returns, by wrapping that method at runtime: Kivy calls
bound ``on_flip`` handlers *before* the default handler that swaps the buffers, so binding
``on_flip`` would stop the clock before the frame reached the screen. With Mesa's llvmpipe the
rasterisation happens at that swap (the GL calls before it are queued), so the wrapped flip
includes drawing the frame, not only issuing its GL commands.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable

MAIN_AT = time.monotonic()
MODE = sys.argv[1] if len(sys.argv) > 1 else "tv"
# bench/tv_client.py (the benchmark) would shadow the tv_client package: drop this directory.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

from tv_client.__main__ import prepare_kivy  # noqa: E402  (tiny: no Kivy import)

prepare_kivy()

from kivy.app import App  # noqa: E402  (Kivy must be configured first)
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402

WINDOW_AT = time.monotonic()  # importing kivy.core.window opens the window
RIGHT = 275
PHASES: dict[str, float] = {"main": MAIN_AT, "window": WINDOW_AT}
EVENTS: dict[str, float] = {}  # what happened since the last press (course fetch, apply)


def reply(payload: dict) -> None:
    sys.stdout.write("@@ " + json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class Watch:
    """Conditions waited for after a key dispatch: the first swap after which each holds."""

    def __init__(self, conditions: dict[str, Callable[[], bool]], done: str, on_done) -> None:
        self.t0 = time.monotonic()
        self.conditions, self.done, self.on_done = conditions, done, on_done
        self.seen: dict[str, float] = {}
        self.flips = 0


class FrameProbe:
    """Wraps ``Window.flip`` so that watches are checked right after each buffer swap."""

    def __init__(self) -> None:
        self.watches: list[Watch] = []
        self.first_flip: float | None = None
        self.count = 0  # swaps so far: frames per second while idle tell what redraws
        swap = Window.flip

        def flip() -> None:
            swap()
            self._after_swap(time.monotonic())

        Window.flip = flip  # WindowBase.on_flip calls self.flip(): the instance attribute wins

    def watch(self, watch: Watch, limit: float) -> None:
        self.watches.append(watch)
        Clock.schedule_once(lambda _dt: self._expire(watch), limit)

    def _after_swap(self, now: float) -> None:
        self.count += 1
        if self.first_flip is None:
            self.first_flip = PHASES["first_flip"] = now
        for watch in list(self.watches):
            watch.flips += 1
            for name, holds in watch.conditions.items():
                if name not in watch.seen and holds():
                    watch.seen[name] = now
            if watch.done in watch.seen:
                self.watches.remove(watch)
                watch.on_done(watch, None)

    def _expire(self, watch: Watch) -> None:
        if watch in self.watches:
            self.watches.remove(watch)
            watch.on_done(watch, f"'{watch.done}' not drawn within the limit")


def press(code: int) -> tuple[float, float]:
    """Dispatch a raw key as SDL's keyboard would; (dispatch time, handler seconds)."""
    t0 = time.monotonic()
    Window.dispatch("on_key_down", code, 0, None, [])
    return t0, time.monotonic() - t0


def answer_press(watch: Watch, handler_s: float, extra: Callable[[], dict]):
    def done(_watch: Watch, error: str | None) -> None:
        seen = {name: (t - watch.t0) * 1000 for name, t in watch.seen.items()}
        events = {name: (t - watch.t0) * 1000 for name, t in EVENTS.items()}
        payload = {
            "ok": error is None,
            "ms": seen.get(watch.done),
            "shown_ms": seen.get("shown"),
            "handler_ms": handler_s * 1000,
            "flips": watch.flips,
            "events_ms": events,
            **extra(),
        }
        if error:
            payload["error"] = error
        reply(payload)

    return done


class Driven:
    """What both apps share: the probe, the stdin listener, the commands."""

    probe: FrameProbe

    def start_driving(self) -> None:
        self.probe = FrameProbe()
        threading.Thread(target=self._listen, daemon=True).start()
        startup = Watch({"drawn": self.first_screen_drawn}, "drawn", self._drawn)
        self.probe.watch(startup, 60)

    def _drawn(self, watch: Watch, error: str | None) -> None:
        if error:
            reply({"ok": False, "error": f"start-up: {error}", "phases": PHASES})
            return
        PHASES["drawn"] = watch.seen["drawn"]
        Clock.schedule_once(lambda _dt: self._first_key())

    def _first_key(self) -> None:
        before = self.focus_token()
        watch = Watch({"moved": lambda: self.focus_token() != before}, "moved", self._answered)
        watch.t0, _ = press(RIGHT)
        PHASES["key"] = watch.t0
        self.probe.watch(watch, 10)

    def _answered(self, watch: Watch, error: str | None) -> None:
        if error:
            reply({"ok": False, "error": f"first key: {error}", "phases": PHASES})
            return
        PHASES["interactive"] = watch.seen["moved"]
        reply({"ok": True, "started": True, "phases": PHASES})

    def _listen(self) -> None:
        for line in sys.stdin:
            if line.strip():
                command = json.loads(line)
                Clock.schedule_once(lambda _dt, c=command: self._execute(c))
        Clock.schedule_once(lambda _dt: App.get_running_app().stop())

    def _execute(self, command: dict) -> None:
        try:
            kind = command["cmd"]
            if kind == "press":
                self._press(command["code"], command.get("expect", "focus"), command)
            elif kind == "state":
                reply({"ok": True, "state": self.state()})
            elif kind == "frames":
                reply({"ok": True, "frames": self.probe.count, "at": time.monotonic()})
            elif kind == "quit":
                reply({"ok": True})
                App.get_running_app().stop()
            else:
                reply({"ok": False, "error": f"unknown command {kind}"})
        except Exception:
            reply({"ok": False, "error": traceback.format_exc()})

    def _press(self, code: int, expect: str, command: dict) -> None:
        if expect == "focus":
            before = self.focus_token()
            conditions = {"drawn": lambda: self.focus_token() != before}
        else:
            conditions = {"shown": lambda: self.screen_shown(expect)}
            conditions["drawn"] = lambda: self.screen_shown(expect) and self.screen_loaded()
        watch = Watch(conditions, "drawn", None)
        EVENTS.clear()
        t0, handler_s = press(code)
        watch.t0 = t0
        watch.on_done = answer_press(watch, handler_s, lambda: {"focus": self.focus_token()})
        self.probe.watch(watch, float(command.get("limit", 5)))

    # Each app says what its first screen, its focus and its screens are.
    def first_screen_drawn(self) -> bool:
        raise NotImplementedError

    def focus_token(self) -> str | None:
        raise NotImplementedError

    def screen_shown(self, name: str) -> bool:
        raise NotImplementedError

    def screen_loaded(self) -> bool:
        raise NotImplementedError

    def state(self) -> dict:
        raise NotImplementedError


def _time_method(cls, name: str, event: str) -> None:
    """Record in EVENTS when ``cls.name`` last started and ended (any thread)."""
    method = getattr(cls, name)

    def timed(self, *args, **kwargs):
        EVENTS[f"{event}_start"] = time.monotonic()
        try:
            return method(self, *args, **kwargs)
        finally:
            EVENTS[f"{event}_end"] = time.monotonic()

    setattr(cls, name, timed)


def tv_app():
    from tv_client.api import CatalogClient
    from tv_client.app import TvApp

    PHASES["imported"] = time.monotonic()
    home = CatalogClient.home

    def timed_home(self, *args, **kwargs):  # runs on a worker thread; only reads the clock
        PHASES.setdefault("home_request", time.monotonic())
        try:
            return home(self, *args, **kwargs)
        finally:
            PHASES.setdefault("home_answer", time.monotonic())

    CatalogClient.home = timed_home
    course = CatalogClient.course

    def timed_course(self, *args, **kwargs):  # worker thread: the course detail request
        EVENTS["course_request"] = time.monotonic()
        try:
            return course(self, *args, **kwargs)
        finally:
            EVENTS["course_answer"] = time.monotonic()

    CatalogClient.course = timed_course
    _time_method(CatalogClient, "_send", "http")
    from tv_client.api import DiskCache

    _time_method(DiskCache, "get", "cache_get")
    _time_method(DiskCache, "put", "cache_put")
    from tv_client.screens.course import CourseScreen

    loaded = CourseScreen._loaded

    def timed_loaded(self, fetched):  # main thread: the answer applied to the screen
        EVENTS["course_apply"] = time.monotonic()
        loaded(self, fetched)
        EVENTS["course_applied"] = time.monotonic()

    CourseScreen._loaded = timed_loaded

    class BenchTvApp(Driven, TvApp):
        def build(self):
            PHASES["build"] = time.monotonic()
            root = super().build()
            PHASES["built"] = time.monotonic()
            return root

        def on_start(self) -> None:
            self.start_driving()

        def _manager_settled(self, name: str) -> bool:
            manager = self.navigator.manager
            return (
                manager.current == name
                and manager.current_screen is not None
                and manager.current_screen.name == name
                and not manager.transition.is_active
            )

        def first_screen_drawn(self) -> bool:
            screen = self.navigator.current
            return (
                screen is not None
                and screen.name == "home"
                and screen.state.status.value == "ready"
                and self._manager_settled("home")
            )

        def focus_token(self) -> str | None:
            screen = self.navigator.current
            return None if screen is None else f"{screen.name}:{screen.focused_id()}"

        def screen_shown(self, name: str) -> bool:
            screen = self.navigator.current
            return screen is not None and screen.name == name and self._manager_settled(name)

        def screen_loaded(self) -> bool:
            return self.navigator.current.state.status.value == "ready"

        def state(self) -> dict:
            snapshot = self.snapshot()
            screen = self.navigator.current
            if screen is not None and screen.name == "home":
                snapshot["row_sizes"] = [[r.key, len(r.cards)] for r in screen.state.rows]
            return snapshot

    return BenchTvApp()


def reference_app():
    """One label and one outlined box per screen, two screens, the same key dispatch."""
    from kivy.graphics import Color, Line
    from kivy.uix.label import Label
    from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

    from tv_client.settings import Settings

    font = str(Settings.from_env().resolved_assets_dir / "fonts" / "NotoSansSC-EduTV-Regular.otf")

    class ReferenceApp(Driven, App):
        title = "Kivy reference"

        def build(self):
            PHASES["build"] = time.monotonic()
            self.moves = 0
            self.manager = ScreenManager(transition=NoTransition())
            for name in ("home", "course"):
                screen = Screen(name=name)
                label = Label(text=f"EduTV 空中课堂 {name}", font_name=font, font_size=48)
                screen.add_widget(label)
                self.manager.add_widget(screen)
            with self.manager.get_screen("home").canvas:
                Color(1, 0.8, 0.2, 1)
                self.box = Line(rectangle=(96, 96, 320, 180), width=4)
            Window.bind(on_key_down=self._on_key_down)
            PHASES["built"] = time.monotonic()
            return self.manager

        def on_start(self) -> None:
            self.start_driving()

        def _on_key_down(self, _window, key, *_args) -> bool:
            if key in (273, 274, 275, 276):  # arrows: move the box, as focus moves a highlight
                self.moves += 1
                x = 96 + (self.moves % 5) * 360
                y = 96 + (self.moves // 5 % 3) * 240
                self.box.rectangle = (x, y, 320, 180)
            elif key == 13:
                self.manager.current = "course"
            elif key == 27:
                self.manager.current = "home"
            return True

        def first_screen_drawn(self) -> bool:
            return self.screen_shown("home")

        def focus_token(self) -> str:
            return f"{self.manager.current}:{self.moves}"

        def screen_shown(self, name: str) -> bool:
            manager = self.manager
            return (
                manager.current == name
                and manager.current_screen.name == name
                and not manager.transition.is_active
            )

        def screen_loaded(self) -> bool:
            return True

        def state(self) -> dict:
            return {"screen": self.manager.current, "focus": self.focus_token(), "row_sizes": []}

    return ReferenceApp()


if __name__ == "__main__":
    (reference_app() if MODE == "reference" else tv_app()).run()

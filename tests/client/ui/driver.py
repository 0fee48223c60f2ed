"""Runs the real TV app and obeys a test over stdin/stdout (one JSON command per line).

Started by ``tests/client/ui/conftest.py`` as ``python driver.py`` under Xvfb. Commands, each
answered by one line ``@@ {...}`` on stdout (Kivy's own log goes to stderr):

- ``{"cmd": "state"}``: ``TvApp.snapshot()``.
- ``{"cmd": "key", "code": 274}``: a raw key code through ``Window.on_key_down`` (the real path).
- ``{"cmd": "screenshot", "path": "..."}``: ``Window.screenshot`` of the next frame.
- ``{"cmd": "quit"}``: stop the app.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback

from tv_client.__main__ import prepare_kivy

prepare_kivy()

from kivy.clock import Clock  # noqa: E402  (Kivy must be configured first)
from kivy.core.window import Window  # noqa: E402

from tv_client.app import TvApp  # noqa: E402


def reply(payload: dict) -> None:
    sys.stdout.write("@@ " + json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def execute(app: TvApp, command: dict) -> None:
    try:
        kind = command["cmd"]
        if kind == "state":
            reply({"ok": True, "state": app.snapshot()})
        elif kind == "key":
            Window.dispatch("on_key_down", command["code"], 0, None, [])
            # "state": what the key changed by itself, before any later frame or trigger ran
            reply({"ok": True, "state": app.snapshot()} if command.get("state") else {"ok": True})
        elif kind == "screenshot":
            Clock.schedule_once(lambda _dt: _shoot(command["path"]), 0.2)
        elif kind == "quit":
            reply({"ok": True})
            app.stop()
        else:
            reply({"ok": False, "error": f"unknown command {kind}"})
    except Exception:
        reply({"ok": False, "error": traceback.format_exc()})


def _shoot(path: str) -> None:
    saved = Window.screenshot(name=path)
    reply({"ok": True, "path": saved})


def listen(app: TvApp) -> None:
    for line in sys.stdin:
        if line.strip():
            command = json.loads(line)
            Clock.schedule_once(lambda _dt, c=command: execute(app, c))
    Clock.schedule_once(lambda _dt: app.stop())


class DrivenApp(TvApp):
    def on_start(self) -> None:
        threading.Thread(target=listen, args=(self,), daemon=True).start()
        reply({"ok": True, "started": True})


if __name__ == "__main__":
    DrivenApp().run()

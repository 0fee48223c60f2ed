"""The back stack: Back always goes back, Home always goes home.

Screens are built lazily, once each, by the factories the composition root hands in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.lang import Builder
from kivy.uix.screenmanager import NoTransition, ScreenManager

from tv_client.screens.base import TvScreen

Builder.load_string(
    """
<-TvScreenManager>:
    size_hint: 1, 1
"""
)


class TvScreenManager(ScreenManager):
    """A ScreenManager without Kivy's stencil: every screen fills the window and none slides,
    so clipping them draws two full-screen stencil fills per frame for nothing (about 10 ms on
    a software renderer, bench/tv_client.py)."""


class Navigator:
    """Owns the ``ScreenManager`` and the stack of ``(screen name, params)``."""

    def __init__(self, factories: dict[str, Callable[[str], TvScreen]], home: str = "home") -> None:
        self.manager = TvScreenManager(transition=NoTransition())
        self._factories = factories
        self.home_name = home
        self.stack: list[tuple[str, dict[str, Any]]] = []

    @property
    def current(self) -> TvScreen | None:
        return self._screen(self.stack[-1][0]) if self.stack else None

    def open(self, name: str, **params: Any) -> None:
        """Push ``name`` with ``params`` and show it."""
        self._leave_current()
        self.stack.append((name, params))
        screen = self._screen(name)
        self.manager.current = name
        screen.show(**params)

    def open_single(self, name: str, **params: Any) -> None:
        """Open ``name``, or when it is already on the stack go back to it and show it again
        with ``params`` (live TV and the guide open each other: the stack must not grow)."""
        names = [entry[0] for entry in self.stack]
        if name not in names:
            self.open(name, **params)
            return
        self._leave_current()
        del self.stack[len(names) - names[::-1].index(name) :]
        self.stack[-1] = (name, params)
        self.manager.current = name
        self._screen(name).show(**params)

    def back(self) -> bool:
        """Pop to the previous screen; False on the home screen (nothing to go back to)."""
        if len(self.stack) <= 1:
            return False
        self._leave_current()
        self.stack.pop()
        self._resume()
        return True

    def home(self) -> None:
        """Go straight back to the home screen."""
        if not self.stack:
            self.open(self.home_name)
            return
        if len(self.stack) > 1:
            self._leave_current()
        del self.stack[1:]
        self._resume()

    def _leave_current(self) -> None:
        """The screen on top stops being shown (covered or popped): it stops what it runs."""
        if self.stack:
            self._screen(self.stack[-1][0]).leave()

    def _resume(self) -> None:
        name = self.stack[-1][0]
        self.manager.current = name
        self._screen(name).resume()

    def _screen(self, name: str) -> TvScreen:
        if not self.manager.has_screen(name):
            self.manager.add_widget(self._factories[name](name))
        return self.manager.get_screen(name)

"""What every screen gets and offers: its dependencies in, actions in, a state snapshot out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kivy.uix.screenmanager import Screen

from tv_client.api import CatalogClient, Fetched
from tv_client.live_store import LiveStore
from tv_client.navigation.keys import KeyPress
from tv_client.player import Player
from tv_client.preferences import Preferences
from tv_client.profiles import Household, Profile
from tv_client.progress import ProgressStore
from tv_client.screens.tasks import BackgroundTasks
from tv_client.settings import Settings
from tv_client.sync import ProgressReporter
from tv_client.widgets.posters import Posters


@dataclass(frozen=True)
class Context:
    """The dependencies the composition root hands to every screen."""

    catalog: CatalogClient
    tasks: BackgroundTasks
    language: str
    open: Callable[..., None]  # open(screen_name, **params): push a screen
    back: Callable[[], None]  # pop the current screen, as the Back key does
    report: Callable[[Fetched], None]  # every answer, so the app can show the offline banner
    preferences: Preferences  # the user's choices in force (language, quality, backend address)
    settings: Settings  # the environment's: the defaults under the choices, About's facts
    # change_preferences(choices, item): save them; the app rebuilds, settings open on `item`
    change_preferences: Callable[[Preferences, str], None]
    posters: Posters  # poster textures for cards, loaded in the background
    household: Household  # the profiles on this box
    profile: Profile  # who is watching: their grade's recommendations, their progress
    choose_profile: Callable[[str], None]  # watch as this profile id; the app rebuilds home
    progress: ProgressStore  # where each profile stopped in each lesson
    reporter: ProgressReporter  # the player's progress: outbox (to the backend) and store
    player: Callable[[], Player]  # the app's one player (made on first use)
    # pull_progress(course_id or None, changed): the backend's progress in; `changed` if new
    pull_progress: Callable[[int | None, Callable[[], None]], None]
    live: LiveStore | None = None  # the guide's reminders and the last channel watched


class TvScreen(Screen):
    """A screen driven by actions. Subclasses override `show`, `on_action` and `snapshot`.

    Screens paint no background of their own: the window's clear colour is the background, and
    a full-screen rectangle would cost a software renderer a whole extra fill on every frame.
    """

    def __init__(self, context: Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.bind(size=self._resize, pos=self._resize)

    def _resize(self, *_args: object) -> None:
        self.relayout()

    def show(self, **params: Any) -> None:
        """The screen is opened with ``params`` (pushed on the back stack)."""

    def resume(self) -> None:
        """The screen shows again after Back: keep its content and focus."""

    def leave(self) -> None:
        """The screen stops being shown (another covers it, or Back or Home left it)."""

    def reload(self) -> None:
        """Fetch the content again (the backend is back)."""

    def relayout(self) -> None:
        """Place widgets for the current window size."""

    def on_action(self, press: KeyPress) -> bool:
        """Handle one remote action; True when handled."""
        return False

    def on_raw_key(self, code: int, press: KeyPress | None) -> bool:
        """See a raw key code before it becomes an action; True keeps it from the app.

        Only the settings screen's key tester uses it (it shows codes, mapped or not): every
        other screen handles actions, never codes.
        """
        return False

    def open_chosen_course(self, course_id: int, title: str) -> bool:
        """Open the course a view-model's ``Outcome`` chose; the key is handled."""
        self.context.open("course", course_id=course_id, title=title)
        return True

    def focused_id(self) -> str | None:
        return None

    def snapshot(self) -> dict[str, Any]:
        """The screen's state as plain data, for UI tests and benchmarks."""
        return {"focus": self.focused_id()}

"""The TV client's application: ``TvApp.build()`` is its one composition root.

It reads the settings, builds the catalog client (disk cache, retries, connectivity), the key
table, the background tasks and the screens, and hands each screen its dependencies. Raw keys
become actions here, once: Home always goes home, Back always goes back (after the screen had
its say), everything else goes to the current screen's ``on_action``. While a screen shows its
stored copy an offline banner says from when; a timer probes the backend and reloads the
screen when it answers again.

The user's saved preferences (``tv_client.preferences``) win over the environment's defaults.
When the settings screen changes them, `TvApp.restart` runs the composition again (catalog
client, Context, Navigator) so a new language or backend shows at once, with home underneath
and settings on top. The settings screen's key tester sees raw codes first (`on_raw_key`).

Live TV and the guide open each other (`Navigator.open_single`: the stack does not grow). The
guide's reminders (`LiveStore`) are looked at every second: one come due pops up and tunes
live TV to its channel.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.floatlayout import FloatLayout

from tv_client import theme
from tv_client.api import CatalogClient, DiskCache, Fetched
from tv_client.api.accounts import AccountsClient, AccountSession, SignedOut, TokenStore
from tv_client.api.client import default_http
from tv_client.api.posters import PosterFetcher
from tv_client.live_store import LiveStore
from tv_client.navigation.keys import DEFAULT, Action, KeyPress, KeyTable, load_overrides
from tv_client.player import Player
from tv_client.player.factory import make_player
from tv_client.preferences import Preferences, PreferencesStore
from tv_client.profiles import Household, ProfileStore, household_from_api
from tv_client.progress import ProgressStore
from tv_client.screens.base import Context
from tv_client.screens.browse import BrowseScreen
from tv_client.screens.course import CourseScreen
from tv_client.screens.guide import GuideScreen
from tv_client.screens.home import HomeScreen
from tv_client.screens.live import LiveScreen
from tv_client.screens.navigator import Navigator
from tv_client.screens.player import PlayerScreen
from tv_client.screens.profiles import ProfilesScreen
from tv_client.screens.search import SearchScreen
from tv_client.screens.settings import SettingsScreen
from tv_client.screens.signin import SignInScreen
from tv_client.screens.tasks import BackgroundTasks
from tv_client.settings import Settings
from tv_client.sync import Outbox, ProgressReporter, Syncer, device_id
from tv_client.viewmodels import offline_banner
from tv_client.viewmodels.guide import reminder_text
from tv_client.widgets.highlight import highlighted
from tv_client.widgets.poster_card import poster_size
from tv_client.widgets.posters import Posters
from tv_client.widgets.text import place_label, tv_label

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0  # a hung libVLC or socket must not keep a box from quitting
PROBE_EVERY = 1.0  # seconds between asking the monitor whether a probe is due
REMINDER_EVERY = 1.0  # seconds between two looks at the guide's reminders
POPUP_S = 8.0  # how long a reminder's pop-up shows
SINGLE = ("live", "guide")  # opened again, these go back to where they are on the stack
SCREENS = {
    "home": HomeScreen,
    "search": SearchScreen,
    "browse": BrowseScreen,
    "course": CourseScreen,
    "player": PlayerScreen,
    "settings": SettingsScreen,
    "live": LiveScreen,
    "guide": GuideScreen,
    "profiles": ProfilesScreen,
}


class TvApp(App):
    """The EduTV TV client."""

    title = "EduTV"

    def __init__(self, settings: Settings | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._settings = settings

    def build(self):
        settings = self.settings_ = self._settings or Settings.from_env()
        for noisy in ("httpx", "httpcore"):  # one DEBUG line per request otherwise
            logging.getLogger(noisy).setLevel(logging.WARNING)
        theme.register_fonts(settings.resolved_assets_dir)
        Window.clearcolor = theme.color("background")
        self.store = PreferencesStore.for_settings(settings)
        self.preferences = self.store.load()
        self.profile_store = ProfileStore(settings.resolved_data_dir)
        self.household = self.profile_store.load()
        self.profile = self.household.get(None)
        self.progress = ProgressStore.in_data_dir(settings.resolved_data_dir)
        self._the_player: Player | None = None
        self.outbox = Outbox.in_data_dir(settings.resolved_data_dir)
        self.device_id = device_id(settings.resolved_data_dir)
        self.http = default_http()  # one connection pool for every catalog client, rebuilds too
        self.catalog = self._catalog()
        self.session = self._session()
        self.syncer = self._syncer()
        self.reporter = ProgressReporter(self.outbox, self.progress, on_event=self._sync_soon)
        fetcher = PosterFetcher(settings.resolved_data_dir / "posters")
        self.posters = Posters(fetcher, self._media_url, poster_size())
        self.live_store = LiveStore(settings.resolved_data_dir)
        self.keys = self._key_table(settings)
        self.tasks = BackgroundTasks()
        self.navigator = self._navigator()
        root = FloatLayout()
        root.add_widget(self.navigator.manager)
        self.banner = tv_label("", theme.TEXT_SMALL, color="text", halign="center")
        self.banner.opacity = 0
        root.add_widget(self.banner)
        self.popup = tv_label("", theme.TEXT_TITLE, color="text", halign="center")
        self._popup_off = None
        Window.bind(on_key_down=self._on_key_down, size=lambda *_: self._place_banner())
        Clock.schedule_interval(self._check_link, PROBE_EVERY)
        Clock.schedule_interval(self._check_reminders, REMINDER_EVERY)
        self.navigator.open("profiles" if self.household.ask else "home")
        self._place_banner()
        if self.session.signed_in:  # revoked while the box was off? new profiles?
            self.tasks.run("account", self.session.me, self._account_checked, self._account_failed)
        return root

    def _catalog(self) -> CatalogClient:
        """The catalog client for the backend in force (the user's, else ``TV_BACKEND_URL``)."""
        cache = DiskCache(self.settings_.resolved_data_dir / "catalog")
        backend = self.preferences.backend(self.settings_)
        return CatalogClient(backend, http=self.http, cache=cache)

    def _session(self) -> AccountSession:
        """The signed-in TV's tokens, for the backend in force."""
        accounts = AccountsClient(self.catalog.base_url, http=self.http)
        return AccountSession(accounts, TokenStore(self.settings_.resolved_data_dir))

    def _syncer(self) -> Syncer:
        """The progress syncer for the backend in force, its thread started."""
        syncer = Syncer(
            self.catalog.base_url,
            self.outbox,
            device_id=self.device_id,
            local=self.progress,
            http=self.http,
        )
        syncer.start()
        return syncer

    def _player(self) -> Player:
        """The app's one player, made when the first lesson plays (libVLC takes a moment)."""
        if self._the_player is None:
            self._the_player = make_player(self.settings_)
        return self._the_player

    def _sync_soon(self) -> None:
        self.syncer.notify()  # the syncer in force, after a rebuild too

    def _pull_progress(self, course_id: int | None, changed: Callable[[], None]) -> None:
        """Fetch this child's progress from the backend (another TV's lessons) in the
        background; ``changed`` runs on the main thread if it brought something new."""

        def done(count: int) -> None:
            if count:
                changed()

        pull = functools.partial(self.syncer.pull, self.profile.id, course_id)
        self.tasks.run(f"pull-{course_id}", pull, done, lambda _error: None)

    def _media_url(self, path: str | None) -> str | None:
        return self.catalog.media_url(path)  # the catalog in force, after a rebuild too

    def _navigator(self) -> Navigator:
        """The screens' Context and the Navigator that builds them, on the preferences in force."""
        context = Context(
            catalog=self.catalog,
            tasks=self.tasks,
            language=self.preferences.language,
            open=self._open,
            back=lambda: self.navigator.back(),
            report=self.report,
            preferences=self.preferences,
            settings=self.settings_,
            change_preferences=self.change_preferences,
            posters=self.posters,
            household=self.household,
            profile=self.profile,
            choose_profile=self.choose_profile,
            progress=self.progress,
            reporter=self.reporter,
            player=self._player,
            pull_progress=self._pull_progress,
            live=self.live_store,
        )
        factories = {n: (lambda name, f=f: f(context, name=name)) for n, f in SCREENS.items()}
        factories["signin"] = lambda name: SignInScreen(
            context, session=self.session, on_signed_in=self.signed_in, name=name
        )
        factories["settings"] = lambda name: SettingsScreen(
            context, signed_in=lambda: self.session.signed_in, sign_out=self.sign_out, name=name
        )
        return Navigator(factories)

    def change_preferences(self, preferences: Preferences, item: str) -> None:
        """Save the user's new choices and rebuild on them, settings open on ``item`` again."""
        try:
            self.store.save(preferences)
        except OSError as error:  # a full or read-only disk: the choice holds until the app stops
            log.warning("cannot save the preferences to %s: %s", self.store.path, error)
        self.preferences = preferences
        self.restart(("settings", {"focus": item}))

    def choose_profile(self, profile_id: str) -> None:
        """Watch as ``profile_id`` (offered first next time); home is rebuilt for that child."""
        self.household = self.household.chose(profile_id)
        self.profile = self.household.get(profile_id)
        try:
            self.profile_store.save(self.household)
        except OSError as error:  # the choice holds until the app stops
            log.warning("cannot save the profiles to %s: %s", self.profile_store.path, error)
        self.restart()

    def signed_in(self, me: dict[str, Any]) -> None:
        """The TV was just signed in: the household's children, and "who's watching?"."""
        self._use_household(household_from_api(me.get("profiles") or []))
        self.restart(("profiles", {}))

    def sign_out(self) -> None:
        """Settings' 退出登录: revoke this TV (best effort), forget tokens and children."""

        def done(_result: object) -> None:
            self._use_household(Household())
            self.restart(("settings", {"focus": "account"}))

        self.tasks.run("account", self.session.sign_out, done, done)

    def _account_checked(self, me: dict[str, Any]) -> None:
        household = household_from_api(me.get("profiles") or [], self.household.last)
        if household.profiles != self.household.profiles:
            self._use_household(household)
            self.restart(*([("profiles", {})] if household.ask else []))

    def _account_failed(self, error: BaseException) -> None:
        """Revoked (or the refresh refused): back to the guest, and the sign-in screen says so."""
        if isinstance(error, SignedOut):
            log.info("this TV was signed out: %s", error)
            self.session.store.clear()
            self._use_household(Household())
            self.restart(("signin", {"reason": "signed_out"}))

    def _use_household(self, household: Household) -> None:
        self.household = household
        self.profile = household.get(None)
        try:
            self.profile_store.save(household)
        except OSError as error:  # the household holds until the app stops
            log.warning("cannot save the profiles to %s: %s", self.profile_store.path, error)

    def restart(self, *on_top: tuple[str, dict[str, Any]]) -> None:
        """Run the composition again on the preferences and profile in force: a new catalog
        client, Context and Navigator; home shows, with the ``on_top`` screens pushed over it."""
        old = self.navigator.manager
        self.catalog = self._catalog()
        self.session = self._session()
        self.syncer.close()
        self.syncer = self._syncer()
        self.navigator = self._navigator()
        self.root.remove_widget(old)
        self.root.add_widget(self.navigator.manager, index=len(self.root.children))
        self.banner.opacity = 0
        self._place_banner()
        self.navigator.open("home")
        for name, params in on_top:
            self.navigator.open(name, **params)

    @staticmethod
    def _key_table(settings: Settings) -> KeyTable:
        return load_overrides(settings.keymap) if settings.keymap else DEFAULT

    def _open(self, name: str, **params: Any) -> None:
        if name in SINGLE:
            self.navigator.open_single(name, **params)
        else:
            self.navigator.open(name, **params)

    def _check_reminders(self, _dt: float) -> None:
        """A reminder come due pops up and tunes live TV to its channel."""
        due = self.live_store.reminders.due(datetime.now(UTC))
        if not due:
            return
        self.live_store.save_reminders()
        reminder = due[-1]  # two at once: the last set wins the screen, both are said
        self._pop_up("  ".join(reminder_text(r, self.preferences.language) for r in due))
        screen = self.navigator.current
        if screen is not None and screen.name == "live":
            screen.tune(reminder.channel_id)
        else:
            self._open("live", channel_id=reminder.channel_id)

    def _pop_up(self, words: str) -> None:
        from kivy.graphics import Color, RoundedRectangle

        self.popup.text = words
        if self.popup.parent is None:
            self.root.add_widget(self.popup)
        w = min(theme.LOGICAL_W - 2 * theme.SAFE_X, 160 + 44 * len(words))
        place_label(self.popup, (theme.LOGICAL_W - w) / 2, theme.SAFE_Y, w, 100, theme.TEXT_TITLE)
        self.popup.canvas.before.clear()
        with self.popup.canvas.before:
            Color(0, 0, 0, 0.85)
            RoundedRectangle(pos=self.popup.pos, size=self.popup.size, radius=[theme.px(16)])
        if self._popup_off is not None:
            self._popup_off.cancel()
        self._popup_off = Clock.schedule_once(lambda _dt: self._pop_down(), POPUP_S)

    def _pop_down(self) -> None:
        if self.popup.parent is not None:
            self.root.remove_widget(self.popup)

    def _on_key_down(self, _window, key: int, _scancode, _codepoint, _modifiers) -> bool:
        press = self.keys.lookup(key)
        screen = self.navigator.current
        if screen is not None and screen.on_raw_key(key, press):
            return True  # the key tester showed it, mapped or not
        if press is None:
            return False
        self.handle(press)
        return True  # also keeps Kivy from closing the window on Escape

    def handle(self, press: KeyPress) -> None:
        """One action: Home goes home, Back goes back unless the screen uses it, else the screen."""
        if press.action is Action.HOME:
            self.navigator.home()
            return
        screen = self.navigator.current
        if screen is not None and screen.on_action(press):
            return
        if press.action is Action.BACK:
            self.navigator.back()  # on home there is nothing behind: Back does nothing

    def report(self, fetched: Fetched) -> None:
        """Every answer passes here: stored copies raise the offline banner, live ones drop it."""
        if fetched.offline:
            self.banner.text = offline_banner(fetched.fetched_at, self.preferences.language)
            self.banner.opacity = 1
        else:
            self.banner.opacity = 0
        self._place_banner()

    def _place_banner(self) -> None:
        w = 720
        place_label(
            self.banner, theme.LOGICAL_W - theme.SAFE_X - w, theme.SAFE_Y, w, 64, theme.TEXT_SMALL
        )
        self.banner.canvas.before.clear()
        if self.banner.opacity:
            from kivy.graphics import Color, RoundedRectangle

            with self.banner.canvas.before:
                Color(*theme.color("banner"))
                RoundedRectangle(pos=self.banner.pos, size=self.banner.size, radius=[theme.px(12)])

    def _check_link(self, _dt: float) -> None:
        if self.catalog.monitor.should_probe(time.time()):
            self.tasks.run("probe", self.catalog.probe, self._probed, lambda _e: None)

    def _probed(self, online: bool) -> None:
        if online:
            self.syncer.retry_now()  # the outbox drains now, not after its backoff
        if online and self.navigator.current is not None:
            log.info("the backend answers again: reloading %s", self.navigator.current.name)
            self.banner.opacity = 0
            self._place_banner()
            self.navigator.current.reload()

    def snapshot(self) -> dict[str, Any]:
        """The app's visible state as plain data (UI tests and benchmarks read it)."""
        screen = self.navigator.current
        return {
            "screen": screen.name if screen else None,
            "stack": [name for name, _ in self.navigator.stack],
            "banner": self.banner.text if self.banner.opacity else "",
            "window": list(Window.size),
            "busy": self.tasks.pending(),
            "popup": self.popup.text if self.popup.parent is not None else "",
            "highlights": highlighted(screen) if screen else [],
            **(screen.snapshot() if screen else {}),
        }

    def on_stop(self) -> None:
        # Whatever below hangs (libVLC waiting on a dead server, say), the app still ends:
        # a box whose launcher cannot restart the app is a box that needs unplugging.
        watchdog = threading.Timer(SHUTDOWN_GRACE_S, _exit_now)
        watchdog.daemon = True
        watchdog.start()
        if self._the_player is not None:
            self._the_player.release()
        self.reporter.exited()
        self.syncer.close()
        self.outbox.close()
        self.tasks.shutdown()
        self.posters.close()
        self.catalog.close()
        self.http.close()


def _exit_now() -> None:
    log.error("shutting down took over %.0f s; exiting without finishing", SHUTDOWN_GRACE_S)
    logging.shutdown()
    os._exit(1)

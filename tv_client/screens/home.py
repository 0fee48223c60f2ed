"""The home screen: a top bar, then titled rows of course cards from ``/api/v1/home``.

Left/right move within a row, up/down between rows (landing on each row's remembered card);
OK opens the course (on a "live now" card, live TV on that channel). Rows and their cards are
virtualised: only what is on screen is a widget.
Up from the first row reaches the top bar (搜索 Search, 分类 Browse, 直播 Live, 设置
Settings); OK there opens the screen, Down (or Back) goes back to the card focus came from.
The rows are for the child watching (their grade's recommendations first); Menu switches child
when the household has several.
"""

from __future__ import annotations

import functools
from typing import Any

from kivy.clock import Clock
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Direction, FocusMemory, Rect, move
from tv_client.navigation.keys import Action, KeyPress
from tv_client.navigation.scrolling import scroll_to_reveal, visible_range
from tv_client.profiles import GUEST_ID, Profile
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import Status
from tv_client.viewmodels.home import HomeState, live_row
from tv_client.widgets.card_row import ROW_H, VIEW_W, VIEW_X, CardRow
from tv_client.widgets.nav_bar import CHIP_H, ChipLook, ChipRow
from tv_client.widgets.poster_card import CardPool
from tv_client.widgets.text import place_label, tv_label

HEADER_H = 96
AREA_TOP = theme.SAFE_Y + HEADER_H
AREA_H = theme.LOGICAL_H - theme.SAFE_Y - AREA_TOP
ROW_GAP = 48
VIEWPORT = Rect(0, AREA_TOP, theme.LOGICAL_W, AREA_H)
HEADING_W = 600
NAV_AREA = Rect(VIEW_X + HEADING_W, theme.SAFE_Y + 6, VIEW_W - HEADING_W, CHIP_H)
NAV_PREFIX = "nav/"
# The top bar: (screen, labels, enabled). Live TV and settings come with their own issues.
NAV_ITEMS = (
    ("search", {"zh": "搜索", "en": "Search"}, True),
    ("browse", {"zh": "分类", "en": "Browse"}, True),
    ("live", {"zh": "直播", "en": "Live"}, True),
    ("settings", {"zh": "设置", "en": "Settings"}, True),
)
NAV_ENABLED = [name for name, _labels, enabled in NAV_ITEMS if enabled]


def heading(profile: Profile) -> str:
    """The home title, with the child's name when a child (not the guest) is watching."""
    return "EduTV 空中课堂" if profile.id == GUEST_ID else f"EduTV · {profile.name}"


class HomeScreen(TvScreen):
    """Rows of cards; focus is a card key such as ``"latest-None/2"``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.state = HomeState.loading(context.language)
        self.focus: str | None = None
        self.card_focus: str | None = None  # the card to return to from the top bar
        self.scroll = 0.0
        self._fetched: Fetched | None = None  # the last home answer, to redraw on resume
        self._live: dict[str, Any] = {}  # channels and now/next, for the "live now" row
        self._rows: dict[str, CardRow] = {}
        self._pool = CardPool(context.posters)
        self._layer = Widget()
        self._prefetch = Clock.create_trigger(self._prepare_ahead)
        self.heading = tv_label(heading(context.profile), theme.TEXT_HERO, bold=True, shorten=True)
        self.notice = tv_label(halign="center", size=theme.TEXT_TITLE, color="text_dim")
        self.nav = ChipRow()
        for child in (self._layer, self.heading, self.nav, self.notice):
            self.add_widget(child)

    def show(self, **_params: Any) -> None:
        if self.state.status is not Status.READY:
            self.reload()

    def reload(self) -> None:
        if self.state.status is not Status.READY:
            self._apply(HomeState.loading(self.context.language))
        grade = self.context.profile.grade  # the child's grade: a "recommended for you" row
        fetch = functools.partial(self.context.catalog.home, grade)
        self.context.tasks.run("home", fetch, self._loaded, self._failed)

    def _fetch_live(self) -> dict[str, Any]:
        """Worker thread: the channels and what plays on them now (the "live now" row)."""
        catalog = self.context.catalog
        return {"channels": catalog.channels().data, "now": catalog.guide_now().data}

    def _live_loaded(self, live: dict[str, Any]) -> None:
        shown = any(row.key == "live" for row in self.state.rows)
        self._live = live
        if self._fetched is not None and (shown or live_row(live, self.context.language).cards):
            self.resume()  # rebuilt only when the row comes, changes or goes

    def resume(self) -> None:
        if self._fetched is None:
            return
        state = self._state_of(self._fetched)  # back from a course or the player:
        if state != self.state:  # redraw only if the progress changed the rows
            self._apply(state)

    def _loaded(self, fetched: Fetched) -> None:
        self.context.report(fetched)
        first = self._fetched is None
        self._fetched = fetched
        self._apply(self._state_of(fetched))
        # After the rows, not beside them: the same worker thread, and the rows come first.
        self.context.tasks.run("home-live", self._fetch_live, self._live_loaded, lambda _e: None)
        if first:  # what this child watched on another TV joins the continue row
            self.context.pull_progress(None, self.resume)

    def _state_of(self, fetched: Fetched) -> HomeState:
        """The backend's rows, after this child's "continue watching" row."""
        watching = self.context.progress.continue_watching(self.context.profile.id)
        return HomeState.from_data(
            fetched.data,
            self.context.language,
            offline=fetched.offline,
            fetched_at=fetched.fetched_at,
            continuing=[item.course.as_item() for item in watching],
            live=self._live,
        )

    def _failed(self, error: BaseException) -> None:
        offline = isinstance(error, Offline)
        self._apply(HomeState.failed(str(error), self.context.language, offline=offline))

    def _apply(self, state: HomeState) -> None:
        self.state = state
        keep = {row.key: row for row in state.rows}
        for key in [k for k in self._rows if k not in keep]:
            self._rows.pop(key).release_all()
        for row in state.rows:
            if row.key in self._rows:
                self._rows[row.key].rebind(row)
            else:
                self._rows[row.key] = CardRow(row, self._pool)
        self.focus = self._valid_focus()
        self.relayout()

    def _valid_focus(self) -> str | None:
        if self.focus is not None and self.focus.startswith(NAV_PREFIX):
            return self.focus
        if not self.state.rows:
            return None
        if self.focus is not None:
            row_key, _, index = self.focus.rpartition("/")
            row = self._rows.get(row_key)
            if row is not None and int(index) < len(row.row.cards):
                return self.focus
        return self.state.rows[0].cards[0].key

    def relayout(self, *, ahead: bool = False) -> None:
        """Lay out what shows. The row beyond the screen's edge is kept if it exists and
        otherwise prepared in a later frame (``ahead=True`` prepares it now), as rows do with
        their cards, so a key press pays only for what it brings on screen."""
        place_label(self.heading, VIEW_X, theme.SAFE_Y, HEADING_W, HEADER_H - 16, theme.TEXT_HERO)
        self._place_nav()
        shown = self.state.status is not Status.READY
        self.notice.text = self.state.message if shown else ""
        place_label(self.notice, VIEW_X, AREA_TOP, VIEW_W, AREA_H / 2, theme.TEXT_TITLE)
        rows = self.state.rows
        wanted = visible_range(-self.scroll, ROW_H, ROW_GAP, AREA_H, len(rows))
        shown = visible_range(-self.scroll, ROW_H, ROW_GAP, AREA_H, len(rows), overscan=0)
        for index, row in enumerate(rows):
            widget = self._rows[row.key]
            if index in wanted:
                if widget.parent is None:
                    if not ahead and index not in shown:
                        self._prefetch()
                        continue
                    self._layer.add_widget(widget)
                top = AREA_TOP + index * (ROW_H + ROW_GAP) - self.scroll
                widget.layout(top, self.focus, ahead=ahead)
            elif widget.parent is not None:
                widget.release_all()
                self._layer.remove_widget(widget)

    def _prepare_ahead(self, _dt: float = 0.0) -> None:
        if self.parent is not None:  # still the screen on show
            self.relayout(ahead=True)

    def _place_nav(self) -> None:
        lang = self.context.language
        looks = [
            ChipLook(labels.get(lang) or labels["zh"], self.focus == NAV_PREFIX + name, enabled=on)
            for name, labels, on in NAV_ITEMS
        ]
        self.nav.show(looks, NAV_AREA)

    def on_action(self, press: KeyPress) -> bool:
        if self.focus is not None and self.focus.startswith(NAV_PREFIX):
            return self._on_nav(press)
        direction = Direction.of(press.action)
        if direction is not None and self.focus is None:  # no cards: the top bar still works
            self.focus = NAV_PREFIX + NAV_ENABLED[0]
            self._place_nav()
            return True
        if direction is not None:
            self._move(direction)
            return True
        if press.action is Action.MENU and self.context.household.ask:
            self.context.open("profiles")  # who's watching: switch child
            return True
        card = self._focused_card()
        if press.action is Action.OK and card is not None and card.channel:
            self.context.open("live", channel_id=card.channel)  # live now: tune that channel
            return True
        if press.action is Action.OK and card is not None and card.more_series:
            self.context.open("browse", series=card.more_series)
            return True
        if press.action is Action.OK and card is not None:
            self.context.open("course", course_id=card.course_id, title=card.title)
            return True
        return False

    def _on_nav(self, press: KeyPress) -> bool:
        """Keys on the top bar: along it, down to the cards, OK opens the screen."""
        name = self.focus.removeprefix(NAV_PREFIX)
        index = NAV_ENABLED.index(name)
        if press.action in (Action.LEFT, Action.RIGHT):
            step = 1 if press.action is Action.RIGHT else -1
            index = min(max(0, index + step), len(NAV_ENABLED) - 1)
            self.focus = NAV_PREFIX + NAV_ENABLED[index]
            self._place_nav()
            return True
        if press.action in (Action.DOWN, Action.BACK):
            if self.state.rows:
                self._focus(self._valid_card(self.card_focus))
            return True
        if press.action is Action.OK:
            self.context.open(name)
            return True
        return press.action is Action.UP

    def _valid_card(self, key: str | None) -> str:
        self.focus = key
        return self._valid_focus()

    def _move(self, direction: Direction) -> None:
        if self.focus is None:
            return
        live = [w for w in self._rows.values() if w.parent is not None]
        items = [item for widget in live for item in widget.focusables()]
        remembered = {w.row.key: w.key_of(w.focused_index) for w in live if w.visited}
        memory = FocusMemory(self.focus, remembered)
        target = move(self.focus, direction, items, memory=memory, viewport=VIEWPORT)
        if target == self.focus and direction is Direction.UP:
            self.card_focus = self.focus  # nothing above the first row but the top bar
            self.focus = NAV_PREFIX + NAV_ENABLED[0]
            self.relayout()
            return
        self._focus(target)

    def _focus(self, key: str) -> None:
        row_key, _, index = key.rpartition("/")
        self.focus = key
        self._rows[row_key].reveal(int(index))
        row_index = next(i for i, row in enumerate(self.state.rows) if row.key == row_key)
        rect = Rect(0, row_index * (ROW_H + ROW_GAP), VIEW_W, ROW_H)
        _, dy = scroll_to_reveal(rect, Rect(0, self.scroll, VIEW_W, AREA_H))
        self.scroll = max(0.0, self.scroll + dy)
        self.relayout()

    def _focused_card(self):
        if self.focus is None or self.focus.startswith(NAV_PREFIX):
            return None
        row_key, _, index = self.focus.rpartition("/")
        return self._rows[row_key].row.cards[int(index)]

    def focused_id(self) -> str | None:
        return self.focus

    def snapshot(self) -> dict[str, Any]:
        live = [w for w in self._rows.values() if w.parent is not None]
        cards = [card for w in live for card in w.cards().values()]
        return {
            "focus": self.focus,
            "status": self.state.status.value,
            "message": self.state.message,
            "rows": [row.title for row in self.state.rows],
            "materialised_rows": len(live),
            "materialised_cards": len(cards),
            "row_cards": {w.row.key: sorted(w.cards()) for w in live},
            "posters": {c.card.key: c.poster_state for c in cards if c.card is not None},
            "focused_title": card.title if (card := self._focused_card()) else None,
            **self._focus_geometry(),
        }

    def _focus_geometry(self) -> dict[str, Any]:
        """Where the focused card is: logical (y down) and in window pixels (y up)."""
        if self._focused_card() is None:
            return {}
        row_key, _, index = self.focus.rpartition("/")
        row = self._rows[row_key]
        rect = row.card_rect(int(index))
        window = row.window_rect(int(index))
        return {"focus_rect": [rect.x, rect.y, rect.w, rect.h], "focus_window_rect": window}

"""The search screen's state: the on-screen keyboard on the left, results as you type on the right.

Searching is a conversation with the screen, which owns the timer and the worker thread:

1. Every change of the query (the typed text, stripped) takes a new request id and makes a
   search due ``debounce`` seconds later on the injected clock (`SearchViewModel.due_at`).
2. The screen's timer calls `SearchViewModel.tick`; once due, it returns the `SearchRequest` to
   fetch (``GET /api/v1/search?q=...``) off the main thread.
3. Back on the main thread the screen hands the answer to `apply_result`, `apply_error` or
   `apply_offline` with the request's id. Only the latest request is applied: an answer for an
   older id is ignored (and they return False), so results never go back to an older query.

Results are the browse grid's cards: the subject's colour and a tag naming the series.

Focus is on the keyboard or on the results grid, never both: Right from a row's last key enters
the results, Left from their first column (or Back) returns to the keyboard, OK on a result
opens its course.
`press` answers with an `Outcome` telling the screen whether the key was used (Back with nothing
typed is not: the screen goes back) and which course to open.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tv_client.navigation.focus import Direction
from tv_client.navigation.keys import Action, KeyPress
from tv_client.navigation.scrolling import grid_neighbour
from tv_client.viewmodels import HANDLED, IGNORED, Outcome, message, offline_banner
from tv_client.viewmodels import text as localized
from tv_client.viewmodels.browse import tagged_card
from tv_client.viewmodels.home import Card
from tv_client.viewmodels.keyboard import Keyboard, KeyView

DEBOUNCE = 0.3  # seconds: fast enough to feel instant, slow enough to skip half-typed initials
COLUMNS = 4

_MESSAGES = {
    "title": {"zh": "搜索", "en": "Search"},
    "idle": {"zh": "用遥控器方向键选字母，按确定输入", "en": "Pick letters with the arrows and OK"},
    "searching": {"zh": "正在搜索…", "en": "Searching…"},
    "empty": {"zh": "没有找到与“{}”相关的课程", "en": "No courses found for “{}”"},
}


class SearchStatus(enum.Enum):
    """Where the results stand."""

    IDLE = "idle"  # nothing typed
    LOADING = "loading"  # a search is due or running; the previous cards may still show
    RESULTS = "results"
    EMPTY = "empty"
    ERROR = "error"
    OFFLINE = "offline"  # the backend is unreachable and nothing is stored for this query


class Pane(enum.Enum):
    """Which side of the screen has focus."""

    KEYBOARD = "keyboard"
    RESULTS = "results"


@dataclass(frozen=True)
class SearchRequest:
    """A search to fetch; pass ``request_id`` back with its answer."""

    request_id: int
    query: str


class SearchViewModel:
    """The search screen's state and its transitions. Not thread-safe: main thread only."""

    def __init__(
        self,
        *,
        lang: str = "zh",
        clock: Callable[[], float] = time.monotonic,
        debounce: float = DEBOUNCE,
        columns: int = COLUMNS,
        keyboard: Keyboard | None = None,
    ) -> None:
        self.lang = lang
        self.columns = columns
        self._clock = clock
        self._debounce = debounce
        self.keyboard = keyboard or Keyboard(lang=lang)
        self.query = ""
        self.status = SearchStatus.IDLE
        self.message = self._say("idle")
        self.cards: tuple[Card, ...] = ()
        self.offline = False
        self.banner = ""
        self.focus = Pane.KEYBOARD
        self.result_index = 0
        self.request_id = 0
        self._pending: SearchRequest | None = None
        self._due_at: float | None = None
        self._text_changed()

    # What the view draws.

    @property
    def title(self) -> str:
        return self._say("title")

    @property
    def text(self) -> str:
        return self.keyboard.text

    @property
    def placeholder(self) -> str:
        return self.keyboard.placeholder

    def keyboard_rows(self) -> tuple[tuple[KeyView, ...], ...]:
        """The keys to draw; none is marked focused while focus is in the results."""
        rows = self.keyboard.rows()
        if self.focus is Pane.KEYBOARD:
            return rows
        return tuple(tuple(KeyView(k.label, False, k.span, k.kind) for k in row) for row in rows)

    @property
    def focused_result(self) -> int | None:
        """The index in ``cards`` of the focused result, None while the keyboard has focus."""
        return self.result_index if self.focus is Pane.RESULTS else None

    # The debounce.

    @property
    def due_at(self) -> float | None:
        """When the pending search is due on the clock, None when nothing is pending."""
        return self._due_at

    def tick(self, now: float | None = None) -> SearchRequest | None:
        """The search to fetch now, if one is due (once); ``now`` defaults to the clock."""
        now = self._clock() if now is None else now
        if self._pending is None or self._due_at is None or now < self._due_at:
            return None
        request, self._pending, self._due_at = self._pending, None, None
        return request

    def retry(self) -> None:
        """Search the current query again at once (the connection came back, or on demand)."""
        if self.query:
            self._schedule(delay=0.0)

    # Answers.

    def apply_result(
        self,
        request_id: int,
        data: Mapping[str, Any],
        *,
        offline: bool = False,
        fetched_at: float = 0.0,
    ) -> bool:
        """Show a search answer (``{"query", "items"}``); False when it is not the latest."""
        if not self._is_latest(request_id):
            return False
        items = data.get("items") or ()
        self.cards = tuple(
            tagged_card(item, f"search-{n}", self.lang) for n, item in enumerate(items)
        )
        self.offline = offline
        self.banner = offline_banner(fetched_at, self.lang) if offline else ""
        if self.cards:
            self._set(SearchStatus.RESULTS, "")
        else:
            self._set(SearchStatus.EMPTY, self._say("empty", self.query))
        self._settle_focus()
        return True

    def apply_error(self, request_id: int, error: str) -> bool:
        """Show a failed search (an `ApiError`'s message); False when it is not the latest."""
        if not self._is_latest(request_id):
            return False
        self._fail(SearchStatus.ERROR, message("error", self.lang, error), offline=False)
        return True

    def apply_offline(self, request_id: int) -> bool:
        """The backend is unreachable and nothing is stored; False when it is not the latest."""
        if not self._is_latest(request_id):
            return False
        self._fail(SearchStatus.OFFLINE, message("offline_nothing", self.lang), offline=True)
        return True

    # Keys.

    def press(self, key_press: KeyPress) -> Outcome:
        """Handle one remote key on the search screen."""
        if self.focus is Pane.RESULTS:
            return self._press_in_results(key_press)
        if self.keyboard.handles(key_press):
            before = self.keyboard.text
            self.keyboard = self.keyboard.press(key_press)
            if self.keyboard.text != before:
                self._text_changed()
            return HANDLED
        if key_press.action is Action.RIGHT and self.cards:
            self.focus = Pane.RESULTS
            return HANDLED
        return IGNORED

    def _press_in_results(self, key_press: KeyPress) -> Outcome:
        action = key_press.action
        if action is Action.OK:
            return Outcome(True, open_course=self.cards[self.result_index].course_id)
        if action is Action.BACK:
            self.focus = Pane.KEYBOARD
            return HANDLED
        if action is Action.DIGIT:
            self.focus = Pane.KEYBOARD
            return self.press(key_press)
        direction = Direction.of(action)
        if direction is None:
            return IGNORED
        target = grid_neighbour(self.result_index, direction, len(self.cards), self.columns)
        if target is not None:
            self.result_index = target
            return HANDLED
        if direction is Direction.LEFT:
            self.focus = Pane.KEYBOARD
            return HANDLED
        return IGNORED

    # Transitions.

    def _text_changed(self) -> None:
        query = self.keyboard.text.strip()
        if query == self.query:
            return
        self.query = query
        if query:
            self._schedule(delay=self._debounce)
            return
        self.request_id += 1  # whatever is still running is now stale
        self._pending, self._due_at = None, None
        self.cards, self.offline, self.banner = (), False, ""
        self._set(SearchStatus.IDLE, self._say("idle"))
        self._settle_focus()

    def _schedule(self, delay: float) -> None:
        self.request_id += 1
        self._pending = SearchRequest(self.request_id, self.query)
        self._due_at = self._clock() + delay
        self._set(SearchStatus.LOADING, self._say("searching"))

    def _is_latest(self, request_id: int) -> bool:
        return request_id == self.request_id and self._pending is None and bool(self.query)

    def _say(self, key: str, *args: object) -> str:
        return localized(_MESSAGES[key], self.lang).format(*args)

    def _set(self, status: SearchStatus, note: str) -> None:
        self.status, self.message = status, note

    def _fail(self, status: SearchStatus, note: str, *, offline: bool) -> None:
        self.cards, self.offline, self.banner = (), offline, ""
        self._set(status, note)
        self._settle_focus()

    def _settle_focus(self) -> None:
        """Keep focus on something that exists: back to the keyboard when no result is left."""
        if not self.cards:
            self.focus, self.result_index = Pane.KEYBOARD, 0
        elif self.focus is Pane.RESULTS:
            self.result_index = min(self.result_index, len(self.cards) - 1)
        else:
            self.result_index = 0

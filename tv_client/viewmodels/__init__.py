"""Pure screen state: JSON from the API in, plain frozen data for the widgets out.

No Kivy, no I/O: a screen asks its view-model for a state after each answer and draws it.

- ``Status``: loading, ready, empty, error, shared by every screen.
- ``text``: the ``{"zh": ..., "en": ...}`` names of the API in one language.
- ``offline_banner``: the banner shown while a screen shows its stored copy.
- ``Outcome``: what a key press did on a screen whose view-model takes the keys.
- ``home``: the home screen's rows of cards. ``course``: one course and its lessons.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo


class Status(enum.Enum):
    """Where a screen's content stands."""

    LOADING = "loading"
    READY = "ready"
    EMPTY = "empty"
    ERROR = "error"


def text(names: Mapping[str, str] | str | None, language: str) -> str:
    """A localized name in ``language``, falling back to Chinese, then to any language."""
    if names is None:
        return ""
    if isinstance(names, str):
        return names
    return names.get(language) or names.get("zh") or next(iter(names.values()), "")


_BANNER = {"zh": "离线：显示 {} 的内容", "en": "Offline: showing content from {}"}


def offline_banner(fetched_at: float, language: str, tz: tzinfo | None = None) -> str:
    """``"离线：显示 14:05 的内容"``: when the stored copy on screen was last fetched."""
    when = datetime.fromtimestamp(fetched_at, tz).strftime("%H:%M")
    return _BANNER.get(language, _BANNER["zh"]).format(when)


MESSAGES = {
    "loading": {"zh": "正在加载…", "en": "Loading…"},
    "empty_home": {"zh": "暂时没有课程", "en": "No courses yet"},
    "empty_course": {"zh": "这门课还没有课时", "en": "This course has no lessons yet"},
    "offline_nothing": {
        "zh": "无法连接服务器，也没有保存的内容。请检查网络。",
        "en": "Cannot reach the server and nothing is saved. Please check the network.",
    },
    "error": {"zh": "出错了：{}", "en": "Something went wrong: {}"},
    "lessons": {"zh": "{} 个课时", "en": "{} lessons"},
    "continue_row": {"zh": "继续观看", "en": "Continue watching"},
    "see_all": {"zh": "查看全部 ›", "en": "See all ›"},
    "live_row": {"zh": "正在直播", "en": "Live now"},
    "lesson": {"zh": "第 {} 课", "en": "Lesson {}"},
    "minutes": {"zh": "{} 分钟", "en": "{} min"},
    "player_next": {
        "zh": "播放器即将推出。按返回键回到课程。",
        "en": "The player comes next. Press Back to return to the course.",
    },
}


def message(key: str, language: str, *args: object) -> str:
    """A fixed interface message in ``language``, formatted with ``args``."""
    return text(MESSAGES[key], language).format(*args)


@dataclass(frozen=True)
class Outcome:
    """What a key press did: ``consumed`` False means the screen acts (Back goes back)."""

    consumed: bool
    open_course: int | None = None


HANDLED = Outcome(True)
IGNORED = Outcome(False)

"""A small media tree built once per session: two lessons on two bodies.

One lesson uses the real ``b20`` body; the other a 6 s test-only body (``t6``) that keeps the
session quick while still exercising a second body.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tv_backend.media import bodies
from tv_backend.media.ladder import LessonMedia, LessonSpec, build_lessons

TEST_BODY = "t6"
SPECS = (
    LessonSpec(
        "math-g3-fractions-01",
        "分数的初步认识",
        "A First Look at Fractions",
        "三年级数学（上）",
        1,
        "b20",
    ),
    LessonSpec(
        "yuwen-g1-jiebanren-02",
        "我是接班人：少年儿童的理想",
        "I Am the Successor",
        "一年级语文",
        2,
        TEST_BODY,
    ),
)


@dataclass(frozen=True)
class MediaTree:
    root: Path
    specs: tuple[LessonSpec, ...]
    lessons: dict[str, LessonMedia]

    def lesson_dir(self, key: str) -> Path:
        return self.root / "lessons" / key


@pytest.fixture(scope="session")
def short_test_body() -> Iterator[str]:
    """Register the short test body for the whole session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(bodies.BODY_VARIANTS, TEST_BODY, 6.0)
        yield TEST_BODY


@pytest.fixture(scope="session")
def media_tree(tmp_path_factory: pytest.TempPathFactory, short_test_body: str) -> MediaTree:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        pytest.skip("ffmpeg/ffprobe are not installed")
    root = tmp_path_factory.mktemp("media")
    lessons = build_lessons(root, list(SPECS), workers=2)
    return MediaTree(root, SPECS, lessons)


@pytest.fixture
def fresh_root(tmp_path: Path, media_tree: MediaTree) -> Path:
    """An empty media root that already holds the session's bodies (they are slow to build)."""
    shutil.copytree(media_tree.root / "bodies", tmp_path / "bodies")
    return tmp_path

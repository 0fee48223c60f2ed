"""Progress between the box and the backend: the outbox sent up, the viewer's progress pulled
down, so a lesson resumes where the child stopped. The backend keeps one viewer per (device,
profile) until the box joins a household, whose sign-in merges them; from then on a lesson
started on one TV resumes on any other of the household.

Up. `Syncer.sync` sends the outbox, oldest first, in batches to ``POST /api/v1/progress``::

    {"device": "<device id>", "events": [<events, see tv_client.sync.reporter>]}
    -> 200 {"acked": ["<id>", ...], "rejected": [{"id", "code", "message"}, ...]}

Acknowledged and rejected events leave the outbox (a rejection is logged as a warning: the
backend will never take that event); every other event stays. A connect error, a timeout, a 5xx,
a 4xx (logged as a warning: a person must act) or an answer that is not the contract's keeps the
batch and ends the pass as a failure. After ``n`` failures in a row the next pass waits
``RetryPolicy.delay(n)``: exponential, with full jitter so the TVs of a town that come back
together spread out, up to 5 minutes; a success resets it.

Down. `Syncer.pull` reads ``GET /api/v1/progress?device=&profile=[&course_id=]``::

    {"lessons": [{"lesson_id", "course_id", "position_s", "duration_s", "coverage",
                  "completed", "updated_at"}],
     "continue": [{"course": {<the API's course>}, "lesson_id", "position_s"}]}

and merges it into the local `ProgressStore` (`tv_client.sync.merge`: per lesson the newer
``updated_at`` wins, and a completed lesson stays completed). It raises the catalog client's
errors: ``Offline`` when the backend cannot be reached, ``ApiError`` on a 4xx. Call it off the
UI thread.

The thread. `start` runs passes in a daemon thread: after a success, on `notify` (the reporter
calls it after every event) or every `IDLE_S`; after a failure, when the backoff delay is over,
`notify` notwithstanding, or at once on `retry_now` (the app calls it when the catalog's probe
finds the backend again). `stop` ends it. No Kivy: nothing here touches a widget.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from tv_client.api.client import api_error, default_http
from tv_client.api.errors import Offline
from tv_client.api.retry import RetryPolicy
from tv_client.progress import ProgressStore
from tv_client.sync.merge import merge
from tv_client.sync.outbox import Outbox

log = logging.getLogger(__name__)

PATH = "/api/v1/progress"
BATCH = 200  # events per request
IDLE_S = 60.0  # a pass at least this often while healthy, notified or not
BACKOFF = RetryPolicy(base=2.0, cap=300.0)
_MAX_DOUBLINGS = 30  # 2**30 * base is past any cap; more would overflow a float


@dataclass(frozen=True)
class Pass:
    """What one `Syncer.sync` did, and how long the thread waits before the next."""

    sent: int = 0
    acked: int = 0
    rejected: int = 0
    ok: bool = True
    wait_s: float = IDLE_S
    error: str | None = None


class _NotSent(Exception):
    """The batch stays in the outbox; the pass ends as a failure. Never escapes `sync`."""


class Syncer:
    """Sends the outbox up and pulls the viewer's progress down, for one device."""

    def __init__(
        self,
        base_url: str,
        outbox: Outbox,
        *,
        device_id: str,
        local: ProgressStore,
        http: httpx.Client | None = None,
        backoff: RetryPolicy = BACKOFF,
        idle_s: float = IDLE_S,
        batch_size: int = BATCH,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.outbox = outbox
        self.device_id = device_id
        self.local = local
        self._owns_http = http is None
        self._http = http or default_http()
        self.backoff = backoff
        self.idle_s = idle_s
        self.batch_size = batch_size
        self.failures = 0
        self._pass_lock = threading.Lock()  # one pass at a time: the thread's, or a caller's
        self._wake = threading.Condition()
        self._notified = self._urgent = self._stopping = False
        self._thread: threading.Thread | None = None

    def sync(self) -> Pass:
        """Send the outbox until it is empty or a request fails; never raises."""
        with self._pass_lock:
            sent = acked = rejected = 0
            while events := self.outbox.batch(self.batch_size):
                try:
                    got, refused = self._send(events)
                except _NotSent as exc:
                    self.outbox.attempted(event["id"] for event in events)
                    return self._failed(Pass(sent + len(events), acked, rejected), str(exc))
                sent, acked, rejected = sent + len(events), acked + got, rejected + refused
            self.failures = 0
            return Pass(sent, acked, rejected, ok=True, wait_s=self.idle_s)

    def pull(self, profile_id: str, course_id: int | None = None) -> int:
        """Merge the backend's progress of ``profile_id`` (of one course, or all) into the local
        store; returns how many lessons changed. Raises ``Offline`` or ``ApiError``."""
        params: dict[str, Any] = {"device": self.device_id, "profile": profile_id}
        if course_id is not None:
            params["course_id"] = int(course_id)
        try:
            response = self._http.get(self.base_url + PATH, params=params)
            if response.status_code < 500 and response.status_code != 200:
                raise api_error(response)
            answer = _answer(response)
        except (httpx.TransportError, _NotSent) as exc:
            reason = f"{type(exc).__name__}: {exc}"
            message = f"cannot read the progress from {self.base_url} ({reason})"
            raise Offline(message, reason=reason) from exc
        return merge(self.local, profile_id, answer)

    def notify(self) -> None:
        """A new event waits: send it soon (unless backing off after a failure)."""
        with self._wake:
            self._notified = True
            self._wake.notify_all()

    def retry_now(self) -> None:
        """The backend answers again: run a pass at once, backing off or not."""
        with self._wake:
            self._urgent = True
            self._wake.notify_all()

    def start(self) -> None:
        """Run passes in a daemon thread until `stop`."""
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="edutv-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread (a request under way finishes first, within the HTTP timeouts)."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        """Stop the thread and close the HTTP client if this syncer made it."""
        self.stop()
        if self._owns_http:
            self._http.close()

    def _send(self, events: list[dict[str, Any]]) -> tuple[int, int]:
        """POST one batch; remove what the answer settles. (acked, rejected) counts."""
        body = {"device": self.device_id, "events": events}
        try:
            response = self._http.post(self.base_url + PATH, json=body)
        except httpx.TransportError as exc:
            raise _NotSent(f"{type(exc).__name__}: {exc}") from exc
        if 400 <= response.status_code < 500:
            error = api_error(response)
            log.warning("the backend refused %d progress events: %s", len(events), error)
            raise _NotSent(str(error))
        acked, rejected = _settled(_answer(response), {event["id"] for event in events})
        for item in rejected:
            log.warning(
                "the backend rejected progress event %s: %s: %s",
                item["id"],
                item.get("code"),
                item.get("message"),
            )
        if not acked and not rejected:
            raise _NotSent(f"the backend settled none of {len(events)} events")
        self.outbox.remove([*acked, *(item["id"] for item in rejected)])
        return len(acked), len(rejected)

    def _failed(self, done: Pass, error: str) -> Pass:
        self.failures += 1
        wait_s = self.backoff.delay(min(self.failures, _MAX_DOUBLINGS))
        log.info("progress sync failed (%s); next try in %.1f s", error, wait_s)
        return dataclasses.replace(done, ok=False, wait_s=wait_s, error=error)

    def _run(self) -> None:
        while not self._stopping:
            try:
                done = self.sync()
            except Exception:  # the thread is a process edge: log, back off, go on
                log.exception("progress sync crashed")
                done = Pass(ok=False, wait_s=self.backoff.cap)
            self._wait(done)

    def _wait(self, done: Pass) -> None:
        """Sleep ``done.wait_s``; wake early on stop, retry_now, and (after a success) notify."""
        deadline = time.monotonic() + done.wait_s
        with self._wake:
            while not (self._stopping or self._urgent or (done.ok and self._notified)):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._wake.wait(left)
            self._notified = self._urgent = False


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a 200; anything else is a failure to reach the backend."""
    if response.status_code != 200:
        raise _NotSent(f"the backend answered {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise _NotSent("the answer was not JSON") from exc
    if not isinstance(data, dict):
        raise _NotSent("the answer was not a JSON object")
    return data


def _settled(answer: Mapping[str, Any], sent: set[str]) -> tuple[list[str], list[dict]]:
    """The acked ids and the rejections in ``answer`` that are about events in ``sent``."""
    acked = [i for i in _list(answer, "acked") if isinstance(i, str) and i in sent]
    rejected = [
        item
        for item in _list(answer, "rejected")
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] in sent
    ]
    return acked, rejected


def _list(answer: Mapping[str, Any], key: str) -> list[Any]:
    value = answer.get(key)
    return value if isinstance(value, list) else []

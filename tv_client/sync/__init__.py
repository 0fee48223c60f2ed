"""Progress that survives power cuts and comes back from the backend, to any TV of the household.

No Kivy here: the player calls the reporter, the app starts the syncer's thread.

- ``ProgressReporter``: the player's calls (started, tick, paused, resumed, seeked, stopped,
  ended, exited) become events in the outbox and positions in the local ``ProgressStore``.
- ``Outbox``: events in SQLite on the box, durable before ``add`` returns, removed only once the
  backend acknowledged them.
- ``Syncer``: drains the outbox to ``POST /api/v1/progress`` with backoff and full jitter, and
  pulls the viewer's progress (``GET /api/v1/progress``) into the local store.
- ``merge``: the backend's progress into the local store (newer wins, completed stays).
- ``device_id``: this box's random id, made once.
"""

from tv_client.sync.device import device_id
from tv_client.sync.merge import merge
from tv_client.sync.outbox import Outbox
from tv_client.sync.reporter import ProgressReporter
from tv_client.sync.syncer import Pass, Syncer

__all__ = ["Outbox", "Pass", "ProgressReporter", "Syncer", "device_id", "merge"]

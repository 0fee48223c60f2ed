"""The TV client's HTTP side: the catalog client, its disk cache, retries and connectivity.

Nothing here imports Kivy: calls run on worker threads and the UI applies only the latest result.

- ``CatalogClient``: taxonomy, courses, course detail, search and home rows; every answer is a
  ``Fetched`` that says whether it is live or the stored copy shown while offline.
- ``DiskCache``: the last good answer per request, on disk, revalidated with ETags.
- ``RetryPolicy``: exponential backoff with full jitter, for transient failures only.
- ``ConnectivityMonitor``: online/offline from call outcomes, and when to probe for recovery.
- ``ClientError`` > ``ApiError`` | ``Offline``: the one exception tree (see ``errors``).
"""

from tv_client.api.client import TIMEOUT, CatalogClient, Fetched
from tv_client.api.connectivity import ConnectivityMonitor, Link
from tv_client.api.disk_cache import CacheEntry, DiskCache
from tv_client.api.errors import ApiError, ClientError, Offline
from tv_client.api.retry import RetryPolicy

__all__ = [
    "TIMEOUT",
    "ApiError",
    "CacheEntry",
    "CatalogClient",
    "ClientError",
    "ConnectivityMonitor",
    "DiskCache",
    "Fetched",
    "Link",
    "Offline",
    "RetryPolicy",
]

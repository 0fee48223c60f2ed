"""Run the app under gunicorn from ``edutv serve`` (gthread workers, keep-alive)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from tv_backend.settings import Settings


class _Server(BaseApplication):
    def __init__(self, settings: Settings, options: dict) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        from tv_backend.app import create_app

        return create_app(self._settings)


def serve(settings: Settings, *, bind: str, workers: int) -> None:
    """Serve until interrupted; each worker builds its own app (no shared connections)."""
    _Server(
        settings,
        {
            "bind": bind,
            "workers": workers,
            "worker_class": "gthread",
            "threads": settings.threads,
            "keepalive": 5,
            "loglevel": settings.log_level,
            "accesslog": None,
            "graceful_timeout": 10,
            "proc_name": "edutv",
        },
    ).run()

"""EduTV backend: the catalog, schedules, sign-in, console and statistics behind the TV.

``create_app(settings)`` is the one composition root; ``tv_backend.wsgi:app`` serves it.
"""

from importlib.metadata import version

__version__ = version("edutv")
__all__ = ["__version__", "create_app"]


def __getattr__(name: str):
    # Lazy, so `edutv tv` on a client-only install never imports Flask.
    if name == "create_app":
        from tv_backend.app import create_app

        return create_app
    raise AttributeError(name)

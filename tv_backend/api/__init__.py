"""The HTTP edge: one thin blueprint per resource (parse -> service -> dump)."""

from __future__ import annotations

from flask import current_app

from tv_backend.container import Services


def services() -> Services:
    """The process's services, as built by ``create_app``."""
    return current_app.extensions["edutv"]

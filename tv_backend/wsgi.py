"""WSGI entry point for gunicorn: ``gunicorn tv_backend.wsgi:app`` (settings from TV_*)."""

from tv_backend.app import create_app

app = create_app()

"""The backend's composition root: ``create_app(settings)``."""

from __future__ import annotations

import logging

from flask import Flask

from tv_backend import __version__
from tv_backend.api import (
    catalog,
    device_page,
    epg,
    health,
    households,
    live,
    media,
    oauth,
    progress,
)
from tv_backend.api.errors import EduApi, handle_service_error
from tv_backend.api.fast_path import CachedResponses
from tv_backend.container import Services, build_services
from tv_backend.schemas.fields import Bilingual, MediaUrl
from tv_backend.services.accounts import TooManyAttempts
from tv_backend.services.errors import ServiceError
from tv_backend.settings import Settings


def create_app(
    settings: Settings | None = None, *, services: Services | None = None, migrate: bool = False
) -> Flask:
    """Build the Flask app and everything it uses from ``settings`` (default: environment).

    ``migrate`` upgrades the database first (tests, `edutv` commands); gunicorn workers do not
    migrate: ``edutv serve`` upgrades once before it starts them.
    """
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper())
    app = Flask("tv_backend")
    app.config.update(
        SECRET_KEY=settings.secret_key or None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_AS_ASCII=False,
        API_TITLE="EduTV",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.json.ensure_ascii = False
    app.extensions["edutv"] = services or build_services(settings, migrate=migrate)
    api = EduApi(app)
    api.register_field(Bilingual, "object", None)
    api.register_field(MediaUrl, "string", "uri-reference")
    api.register_blueprint(catalog.blp)
    api.register_blueprint(progress.blp)
    api.register_blueprint(epg.blp)
    api.register_blueprint(epg.feeds)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(households.blp)
    app.register_blueprint(oauth.blp)
    app.register_blueprint(device_page.blp)
    app.register_blueprint(health.blp)
    app.register_blueprint(live.blp)
    if settings.serve_media:
        app.register_blueprint(media.blp)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(TooManyAttempts, oauth.too_many_attempts)
    app.wsgi_app = CachedResponses(
        app.wsgi_app, app.extensions["edutv"].responses, max_age=settings.http_max_age
    )
    return app

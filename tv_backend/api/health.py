"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tv_backend import __version__
from tv_backend.api import services

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok", version=__version__)


@blp.get("/readyz")
def readyz():
    """Ready when SQL answers; a Redis outage is reported as degraded, not as unready."""
    svc = services()
    try:
        with svc.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        database = "unavailable"
    cache = svc.cache.status()
    ready = database == "ok"
    body = {
        "status": ("degraded" if cache == "degraded" else "ready") if ready else "unready",
        "database": database,
        "cache": cache,
        "version": __version__,
    }
    return jsonify(body), 200 if ready else 503

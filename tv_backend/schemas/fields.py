"""Fields shared by the response schemas."""

from __future__ import annotations

from urllib.parse import urljoin

from marshmallow import fields
from marshmallow.experimental.context import Context


class Bilingual(fields.Field):
    """``{"zh": obj.<prefix>_zh, "en": obj.<prefix>_en}``: Chinese first, English second."""

    def __init__(self, prefix: str, **kwargs) -> None:
        super().__init__(dump_only=True, **kwargs)
        self.prefix = prefix

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return {"zh": getattr(obj, f"{self.prefix}_zh"), "en": getattr(obj, f"{self.prefix}_en")}


class MediaUrl(fields.String):
    """A media path made into a URL under the configured media prefix (``TV_MEDIA_URL``).

    Absolute URLs pass through. The prefix comes from ``Context({"media_url": ...})``.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if not value:
            return None
        if "://" in value:
            return value
        base = Context.get({}).get("media_url", "/media").rstrip("/") + "/"
        return urljoin(base, value.lstrip("/"))

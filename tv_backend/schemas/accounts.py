"""Request and response schemas of the household API: me, child profiles, PINs, signed-in TVs.

docs/accounts-api.md describes them. A profile needs no real name: any nickname of 1 to 32
characters; ``stage`` and ``grade`` are the catalog's codes (e.g. ``primary``, ``g3``).
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tv_backend.schemas.catalog import CODE

NAME = validate.Length(1, 32, error="A name has 1 to 32 characters (a nickname will do).")
PIN = validate.Regexp(r"^\d{4}$", error="A PIN is 4 digits (0-9), typed with the remote.")
PIN_ACTIONS = ("verify", "set", "clear")


class ProfileSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    avatar = fields.String(metadata={"description": "An avatar code of the TV's set."})
    stage = fields.String(allow_none=True)
    grade = fields.String(allow_none=True)
    has_pin = fields.Method("_has_pin", metadata={"description": "A PIN guards the profile."})
    created_at = fields.DateTime(format="iso")

    def _has_pin(self, profile) -> bool:
        return profile.pin_hash is not None


class ProfileCreateSchema(Schema):
    name = fields.String(required=True, validate=NAME)
    avatar = fields.String(load_default="default", validate=CODE)
    stage = fields.String(load_default=None, allow_none=True, validate=CODE)
    grade = fields.String(load_default=None, allow_none=True, validate=CODE)
    pin = fields.String(
        load_default=None, allow_none=True, validate=PIN, metadata={"description": "Optional."}
    )


class ProfilePatchSchema(Schema):
    name = fields.String(validate=NAME)
    avatar = fields.String(validate=CODE)
    stage = fields.String(allow_none=True, validate=CODE)
    grade = fields.String(allow_none=True, validate=CODE)


class PinRequestSchema(Schema):
    """``verify`` a PIN, ``set`` a new one or ``clear`` it; a set PIN is needed to change it."""

    action = fields.String(required=True, validate=validate.OneOf(PIN_ACTIONS))
    pin = fields.String(validate=PIN, metadata={"description": "verify: the PIN; set: the new."})
    current_pin = fields.String(
        validate=PIN, metadata={"description": "set/clear: the PIN now set, if any."}
    )

    @validates_schema
    def _pin_given(self, data: dict, **_) -> None:
        if data["action"] in ("verify", "set") and "pin" not in data:
            raise ValidationError({"pin": ["Required for verify and set."]})


class PinResultSchema(Schema):
    verified = fields.Boolean()
    profile = fields.Nested(ProfileSchema)


class HouseholdSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class DeviceSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"description": "The name the TV gave when it signed in."})
    created_at = fields.DateTime(format="iso", metadata={"description": "Signed in at (UTC)."})
    last_seen_at = fields.DateTime(format="iso", allow_none=True)


class MeSchema(Schema):
    household = fields.Nested(HouseholdSchema)
    device = fields.Nested(DeviceSchema, metadata={"description": "This TV."})
    profiles = fields.List(fields.Nested(ProfileSchema))

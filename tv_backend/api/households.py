"""The household, as a signed-in TV sees it: me, child profiles with PINs, the signed-in TVs.

Every view needs a bearer access token (`require_bearer`) and works inside the token's
household only: another household's ids answer 404, as ids that do not exist do.
"""

from __future__ import annotations

import json

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema

from tv_backend.api import services
from tv_backend.api.oauth import principal, require_bearer
from tv_backend.schemas import accounts as s

blp = Blueprint(
    "households",
    __name__,
    url_prefix="/api/v1",
    description="The signed-in household: child profiles, PINs and signed-in TVs.",
)
BEARER = [{"bearer": []}]
PROFILE = s.ProfileSchema()
PROFILES = s.ProfileSchema(many=True)
DEVICES = s.DeviceSchema(many=True)
ME = s.MeSchema()
PIN_RESULT = s.PinResultSchema()


def _no_store(schema: Schema, result: object, status: int = 200) -> Response:
    body = json.dumps(schema.dump(result), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status, {"Cache-Control": "no-store"}, mimetype="application/json")


@blp.route("/me")
@require_bearer
@blp.doc(security=BEARER)
@blp.response(200, s.MeSchema)
def me():
    """The TV's household, this TV and the household's child profiles."""
    who = principal()
    view = services().accounts.household(who.household_id)
    device = next(
        (d for d in services().device_flow.devices(who.household_id) if d.id == who.device_id),
        None,
    )
    return _no_store(ME, {"household": view.household, "device": device, "profiles": view.profiles})


@blp.route("/profiles")
class Profiles(MethodView):
    decorators = (require_bearer,)

    @blp.doc(security=BEARER)
    @blp.response(200, s.ProfileSchema(many=True))
    def get(self):
        """The household's child profiles."""
        return _no_store(PROFILES, services().accounts.profiles(principal().household_id))

    @blp.doc(security=BEARER)
    @blp.arguments(s.ProfileCreateSchema, unknown=RAISE)
    @blp.response(201, s.ProfileSchema)
    def post(self, fields):
        """Add a child profile (a nickname will do; a 4-digit PIN is optional)."""
        profile = services().accounts.add_profile(principal().household_id, fields)
        return _no_store(PROFILE, profile, 201)


@blp.route("/profiles/<int:profile_id>")
class Profile(MethodView):
    decorators = (require_bearer,)

    @blp.doc(security=BEARER)
    @blp.response(200, s.ProfileSchema)
    def get(self, profile_id: int):
        """One child profile of the household."""
        return _no_store(PROFILE, services().accounts.profile(principal().household_id, profile_id))

    @blp.doc(security=BEARER)
    @blp.arguments(s.ProfilePatchSchema, unknown=RAISE)
    @blp.response(200, s.ProfileSchema)
    def patch(self, fields, profile_id: int):
        """Change a profile's name, avatar, stage or grade (the PIN: ``/pin``)."""
        household = principal().household_id
        return _no_store(PROFILE, services().accounts.update_profile(household, profile_id, fields))

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, profile_id: int):
        """Delete a child profile."""
        services().accounts.delete_profile(principal().household_id, profile_id)
        return Response(status=204, headers={"Cache-Control": "no-store"})


@blp.route("/profiles/<int:profile_id>/pin", methods=["POST"])
@require_bearer
@blp.doc(security=BEARER)
@blp.arguments(s.PinRequestSchema, unknown=RAISE)
@blp.response(200, s.PinResultSchema)
def pin(args, profile_id: int):
    """Verify a profile's PIN, set a new one or clear it (5 wrong PINs per 15 minutes)."""
    household, accounts = principal().household_id, services().accounts
    if args["action"] == "verify":
        verified = accounts.verify_pin(household, profile_id, args["pin"])
        return _no_store(PIN_RESULT, {"verified": verified})
    new_pin = args["pin"] if args["action"] == "set" else None
    profile = accounts.change_pin(household, profile_id, new_pin, args.get("current_pin"))
    return _no_store(PIN_RESULT, {"verified": True, "profile": profile})


@blp.route("/devices")
@require_bearer
@blp.doc(security=BEARER)
@blp.response(200, s.DeviceSchema(many=True))
def devices():
    """The household's signed-in TVs."""
    return _no_store(DEVICES, services().device_flow.devices(principal().household_id))


@blp.route("/devices/<int:device_id>", methods=["DELETE"])
@require_bearer
@blp.doc(security=BEARER)
@blp.response(204)
def revoke_device(device_id: int):
    """Sign a TV of the household out: its tokens stop working at once."""
    services().device_flow.revoke_device(principal().household_id, device_id)
    return Response(status=204, headers={"Cache-Control": "no-store"})

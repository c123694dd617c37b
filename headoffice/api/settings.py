"""The supervisor API's settings: the lender's name, address and phone, read and set."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy.engine import Engine

from headoffice.api.errors import Refused, documented
from headoffice.wire import SettingKey, SettingRequest, SettingWire
from headoffice.work import settings


def settings_router(engine: Engine) -> APIRouter:
    """/settings routes; the supervisor router includes them behind its token check."""
    router = APIRouter()

    @router.get(
        "/settings",
        summary="Head office's settings: the lender's name, address and phone",
        responses=documented(401, 403),
    )
    def list_settings() -> list[SettingWire]:
        return [_wire(setting) for setting in settings.current(engine)]

    @router.put(
        "/settings/{key}",
        summary="Set a setting (null clears it); laptops get it at their next sync",
        responses=documented(400, 401, 403, 413, 415, 422),
    )
    def put_setting(key: Annotated[SettingKey, Path()], body: SettingRequest) -> SettingWire:
        try:
            settings.set_setting(engine, key, body.value)
        except settings.SettingRefused as refused:
            field = "value" if refused.field == "value" else "path.key"
            raise Refused(422, str(refused), field=field) from None
        return _wire(settings.one(engine, key))

    return router


def _wire(setting: settings.Setting) -> SettingWire:
    return SettingWire(
        key=setting.key, about=setting.about, value=setting.value, updated_at=setting.updated_at
    )

"""REST API of the support domain under /api/v1/support, one sub-router per service."""

from __future__ import annotations

from fastapi import APIRouter

from ilja.support import alumni_api, certification_api, event_api, startup_api, subsidy_api

router = APIRouter(prefix="/support", tags=["support"])
router.include_router(certification_api.router)
router.include_router(startup_api.router)
router.include_router(subsidy_api.router)
router.include_router(event_api.router)
router.include_router(alumni_api.router)

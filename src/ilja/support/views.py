"""Pages of the support domain, one module per service; this one gathers their routers."""

from __future__ import annotations

from fastapi import APIRouter

from ilja.support import (
    alumni_views,
    certification_views,
    event_views,
    startup_views,
    subsidy_views,
)

router = APIRouter(include_in_schema=False)
router.include_router(certification_views.router)
router.include_router(startup_views.router)
router.include_router(subsidy_views.router)
router.include_router(event_views.router)
router.include_router(alumni_views.router)

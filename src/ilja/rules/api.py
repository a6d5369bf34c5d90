"""REST endpoints of the rules engine: eligibility with explanations, parameters."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["rules"])

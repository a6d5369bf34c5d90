"""Settings read once from the environment (prefix ``ILJA_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ILJA_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'ilja.db'}",
        description="SQLAlchemy URL; SQLite by default, PostgreSQL in production "
        "(postgresql+psycopg://user@host/db).",
    )
    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="Files Ilja writes.")
    environment: str = Field(default="development", description="development | test | production")
    db_pool_size: int = Field(
        default=8, ge=1, le=200,
        description="PostgreSQL connections each process keeps (10 more when busy); the web "
        "server runs as many request threads.")
    admission_queue: int = Field(
        default=64, ge=0, le=100_000,
        description="Requests each web process lets wait for a free slot (beyond db_pool_size in "
        "flight); more are turned away at once with 503 and Retry-After, so a surge gets a quick "
        "answer to retry on instead of a growing queue that times out.")
    body_max_bytes: int = Field(
        default=1024 * 1024, ge=1024,
        description="Largest request body in bytes, where no other limit applies; larger is 413.")
    upload_max_bytes: int = Field(
        default=256 * 1024**2, ge=1024,
        description="Largest body of a file upload (imports, receipts); the importers' own limit.")
    eligibility_max_bytes: int = Field(
        default=64 * 1024, ge=1024,
        description="Largest body of the eligibility API and the self-check form: a person is a few KB.")
    body_timeout: float = Field(
        default=10.0, gt=0, le=3600,
        description="Seconds a request body may take beyond what its bytes need at body_min_rate; "
        "past it 408. The body is read before the request takes an admission slot.")
    body_min_rate: float = Field(
        default=16 * 1024, gt=0,
        description="Bytes per second a request body must average (after body_timeout's allowance).")
    audit_sealing: Literal["inline", "background"] = Field(
        default="inline",
        description="When committed audit entries are chained: right after each commit, in the "
        "committing thread (inline), or by one sealing thread per process (background, for a "
        "busy server: requests never wait for the chain).")
    audit_heads_file: Path | None = Field(
        default=None,
        description="The published-heads file `ilja audit publish-head` appends to and `ilja audit "
        "verify` checks against (JSON lines, 0644, meant to be copied off the server); default "
        "<data_dir>/audit-heads.jsonl.")
    # Messages (ilja.messages): with no SMTP host or provider, e-mail and SMS go to <data_dir>/outbox/.
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail messages.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port.")
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str | None = Field(default=None, description="SMTP login, if the server wants one.")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_from: str = Field(default="일자리 <noreply@ilja.seoul.go.kr>", description="The From: of e-mail.")
    smtp_timeout: float = Field(default=30.0, gt=0, le=600, description="Seconds an SMTP exchange may take.")
    sms_provider_url: str | None = Field(
        default=None, description="Base URL of the SMS/알림톡 provider (NHN Cloud Notification: "
        "https://api-sms.cloud.toast.com for SMS, https://api-alimtalk.cloud.toast.com for 알림톡).")
    alimtalk_provider_url: str | None = Field(default=None, description="Base URL for 알림톡, if not sms_provider_url.")
    sms_app_key: str | None = Field(default=None, description="The provider's app key.")
    sms_secret_key: str | None = Field(default=None, description="The provider's secret key (X-Secret-Key).")
    sms_sender_no: str = Field(default="0221330000", description="Registered sender number (발신번호).")
    alimtalk_sender_key: str | None = Field(default=None, description="Kakao channel sender key for 알림톡.")
    messages_lease_seconds: float = Field(
        default=120.0, gt=0, description="How long a worker holds a delivery it claimed; past it "
        "the delivery is in doubt and another worker takes it (longer than any send may take).")
    messages_max_attempts: int = Field(default=8, ge=1, le=100, description="Attempts before a delivery fails.")
    messages_backoff_seconds: float = Field(
        default=30.0, gt=0, description="Wait after the first failed attempt; doubled after each (capped at 6 h).")
    messages_poll_seconds: float = Field(default=2.0, gt=0, description="How often an idle worker looks for work.")
    page_size_max: int = Field(
        default=1000, ge=1, le=100_000,
        description="The most rows one page of any list (API or page) may ask for; see ilja.paging.")


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""Runtime configuration, read once from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'auzap.db'}"
DEFAULT_SECRET_KEY = "dev-insecure-secret-change-me"


class Settings(BaseSettings):
    """Every knob the console reads; defaults give the embedded local mode."""

    model_config = SettingsConfigDict(env_file=PROJECT_ROOT / ".env", extra="ignore")

    database_url: str = Field(DEFAULT_SQLITE_URL, description="App connection (non-owner role on PostgreSQL).")
    database_admin_url: str = Field("", description="Owner connection used by migrations; defaults to database_url.")
    app_db_role: str = Field("auzap_app", description="PostgreSQL role the app connects as (RLS applies to it).")
    db_pool_size: int = Field(5, description="PostgreSQL connections each process keeps open (SQLAlchemy pool).")
    db_max_overflow: int = Field(10, description="Extra PostgreSQL connections a process may open under load, closed when returned.")
    redis_url: str = Field("", description="Unset: jobs run in an in-process queue (local mode).")
    job_retry_intervals: str = Field("5,30,120", description="Seconds between job retries (comma-separated).")
    campaign_spread_ms: int = Field(60_000, description="A campaign minute's sends are spread over this long (tests shorten it).")
    secret_key: str = Field(DEFAULT_SECRET_KEY, description="Signs and encrypts secrets at rest (the current key).")
    secret_keys_previous: str = Field("", description="Older SECRET_KEYs (comma-separated) still accepted for decryption.")
    session_ttl_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    login_attempts_keep_hours: int = Field(24, description="Login and sign-up tries older than this are pruned.")
    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = 30.0
    openai_max_retries: int = 2
    transcription_model: str = Field("whisper-1", description="Audio model for voice notes (OpenAI-compatible endpoint).")
    media_dir: str = Field("", description="Where media files go on disk (default: data/media).")
    media_s3_bucket: str = Field("", description="Set: media go to this S3-compatible bucket (boto3; AWS_* credentials).")
    media_s3_endpoint_url: str = Field("", description="S3-compatible endpoint (MinIO, R2…); empty for AWS.")
    media_s3_region: str = ""
    default_timezone: str = "America/Sao_Paulo"
    default_locale: str = "pt_BR"
    frontend_port: int = 3000
    backend_port: int = 8000
    api_url: str = ""
    public_url: str = Field("", description="Public base URL of the backend, used in webhook URLs shown to owners.")
    prometheus_multiproc_dir: str = Field("", description="Where every process writes its metrics (default: data/prometheus).")
    health_token: str = Field("", description="Unlocks /health's detail (Bearer or ?token=); unset: status only.")

    @property
    def webhook_base(self) -> str:
        """Where providers reach the backend (public_url, else the local backend)."""
        return (self.public_url or self.api_url or f"http://localhost:{self.backend_port}").rstrip("/")

    @property
    def admin_url(self) -> str:
        """URL migrations run with: the table owner's."""
        return self.database_admin_url or self.database_url

    @property
    def is_postgres(self) -> bool:
        """True when the database is PostgreSQL."""
        return self.database_url.startswith("postgresql")

    @property
    def local_mode(self) -> bool:
        """Embedded mode: no Redis, jobs in-process."""
        return not self.redis_url

    @property
    def embedded(self) -> bool:
        """SQLite and no Redis: the only setup where the default SECRET_KEY is tolerated."""
        return not self.is_postgres and not self.redis_url


class InsecureSecretKey(SystemExit):
    """Raised at startup when the default SECRET_KEY would protect real data (exits with the message)."""


INSECURE_KEY_MESSAGE = (
    "SECRET_KEY padrão ('{key}') recusada: com PostgreSQL ou Redis ela decifraria todas as credenciais "
    "guardadas. Defina SECRET_KEY (no ambiente ou no .env) com um valor aleatório, por exemplo a saída de\n"
    "    python -c 'import secrets; print(secrets.token_urlsafe(48))'\n"
    "The default SECRET_KEY is refused outside local mode (SQLite without REDIS_URL): set SECRET_KEY in the "
    "environment or .env to a random value (see above). To change a key later, move the old one to "
    "SECRET_KEYS_PREVIOUS and run `auzap secrets rotate`."
)


def check_secret_key(settings: Settings | None = None) -> None:
    """Refuse to start the web app or a worker with the default key outside local mode."""
    settings = settings or get_settings()
    if settings.secret_key == DEFAULT_SECRET_KEY and not settings.embedded:
        raise InsecureSecretKey(INSECURE_KEY_MESSAGE.format(key=DEFAULT_SECRET_KEY))


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache to reconfigure)."""
    return Settings()

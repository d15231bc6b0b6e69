"""Media of the conversations (photos, voice notes, videos, documents, stickers): checked and stored.

A message's media lives in `message.meta["media"]`: what it is (`kind`, `mime`, `filename`, the
provider's `ref` to fetch it, or `latitude`/`longitude` for a location), where it went (`key`)
and how it went (`status`: pending, stored, failed, too_big, refused). Files are kept on the local
disk under `data/media/` by default, or in an S3-compatible bucket when `MEDIA_S3_BUCKET` is set
(through boto3). Customers' files are private: the console serves them only to the shop's own
signed-in people (`/media/{message_id}`).
"""

from __future__ import annotations

import mimetypes
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from auzap_console.settings import PROJECT_ROOT, get_settings

KINDS = ("image", "audio", "video", "document", "sticker")
# WhatsApp's own limits per kind (bytes); larger files are not downloaded.
MAX_BYTES = {"image": 5 << 20, "sticker": 1 << 20, "audio": 16 << 20, "video": 16 << 20, "document": 100 << 20}
ALLOWED = {  # content types taken per kind (documents: the usual office files and PDFs)
    "image": ("image/jpeg", "image/png", "image/webp"),
    "sticker": ("image/webp",),
    "audio": ("audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr", "audio/wav", "audio/webm"),
    "video": ("video/mp4", "video/3gpp"),
    "document": (
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/plain",
        "image/jpeg",
        "image/png",
    ),
}
MAGIC = {  # the first bytes of the kinds we can recognise; a file that claims one of these must start so
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF",),
    "audio/ogg": (b"OggS",),
}


def kind_of(mime: str) -> str:
    """A media kind for a bare content type (providers that only give one): image, audio, video or document."""
    major = (mime or "").split("/")[0]
    return {"image": "image", "audio": "audio", "video": "video"}.get(major, "document")


class MediaRefused(Exception):
    """The file is not what it claims, not a kind we keep, or too big; `status` says which."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status


def check(kind: str, mime: str, data: bytes) -> str:
    """The normalised content type when the file may be kept; raises `MediaRefused` otherwise."""
    mime = (mime or "").split(";")[0].strip().lower()
    if kind not in KINDS:
        raise MediaRefused("refused", f"tipo de mídia desconhecido: {kind}")
    if len(data) > MAX_BYTES[kind]:
        raise MediaRefused("too_big", f"arquivo de {len(data) >> 20} MB acima do limite de {MAX_BYTES[kind] >> 20} MB")
    if mime not in ALLOWED[kind]:
        raise MediaRefused("refused", f"formato não aceito: {mime or 'desconhecido'}")
    magic = MAGIC.get(mime)
    if magic and not data.startswith(magic):
        raise MediaRefused("refused", f"o arquivo não é {mime}")
    return mime


class Storage(Protocol):
    """Where media files live."""

    def put(self, key: str, data: bytes, mime: str) -> None:
        """Store bytes under `key`."""

    def get(self, key: str) -> bytes:
        """The bytes under `key` (FileNotFoundError when missing)."""


class LocalStorage:
    """Files on this machine's disk (the default, and local mode's)."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise FileNotFoundError(key)
        return path

    def put(self, key: str, data: bytes, mime: str) -> None:
        """Write atomically (a crash never leaves half a file under the final name)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)

    def get(self, key: str) -> bytes:
        """Read a stored file."""
        return self._path(key).read_bytes()


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, R2…) through boto3."""

    def __init__(self, bucket: str, endpoint_url: str = "", region: str = ""):
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)

    def put(self, key: str, data: bytes, mime: str) -> None:
        """Upload one object (private)."""
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=mime)

    def get(self, key: str) -> bytes:
        """Download one object."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc


@lru_cache
def storage() -> Storage:
    """The configured storage: S3 when `MEDIA_S3_BUCKET` is set, else `data/media` (or `MEDIA_DIR`)."""
    settings = get_settings()
    if settings.media_s3_bucket:
        return S3Storage(settings.media_s3_bucket, settings.media_s3_endpoint_url, settings.media_s3_region)
    return LocalStorage(Path(settings.media_dir) if settings.media_dir else PROJECT_ROOT / "data" / "media")


def store(*, tenant_id: int, kind: str, mime: str, data: bytes) -> str:
    """Check and keep one file; returns its key ("<tenant>/<kind>/<random>.<ext>")."""
    mime = check(kind, mime, data)
    extension = {"audio/ogg": ".ogg", "image/jpeg": ".jpg"}.get(mime) or mimetypes.guess_extension(mime) or ".bin"
    key = f"{tenant_id}/{kind}/{secrets.token_urlsafe(16)}{extension}"
    storage().put(key, data, mime)
    return key


def attach(*, tenant_id: int, data: bytes, mime: str, filename: str) -> dict:
    """Check and keep a file the shop sends; returns the `meta` of the outbound message that carries it.

    Raises `MediaRefused` (its message says why, in pt-BR) for a file of the wrong type or size.
    """
    kind = kind_of(mime)
    key = store(tenant_id=tenant_id, kind=kind, mime=mime, data=data)
    info = {"kind": kind, "key": key, "mime": check(kind, mime, data), "filename": filename[:200], "size": len(data)}
    return {"media": {**info, "status": "stored"}}


def read(*, tenant_id: int, key: str) -> bytes:
    """One stored file of this shop (a key of another shop is not found)."""
    if not key.startswith(f"{tenant_id}/"):
        raise FileNotFoundError(key)
    return storage().get(key)

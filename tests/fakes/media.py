"""Small real media files the provider fakes serve: a PNG photo, an OGG/Opus voice note header, a PDF."""

from __future__ import annotations

import struct
import zlib


def _png(width: int, height: int) -> bytes:
    """A real PNG: a teal-to-sand gradient (something to see in the screenshots)."""
    rows = b"".join(b"\x00" + b"".join(bytes((15 + x, 118 + y // 2, 110 + x // 2)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = _png(160, 120)
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead\x01\x01" + b"\x00" * 200  # an Ogg page that starts an Opus stream
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

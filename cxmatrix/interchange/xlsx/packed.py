"""JSON kept inside a workbook as zlib-compressed base64 text (the export's state record and
a review pack's record): written compactly, read back with a cap on what it may inflate to."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any


def pack_json(data: Any, level: int) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, level)).decode("ascii")


def unpack_json(text: str, limit: int) -> Any:
    """The JSON packed in ``text``; ValueError when it is damaged or inflates past ``limit``
    bytes (a damaged record must not eat memory)."""
    try:
        packed = base64.b64decode(text.encode("ascii"), validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, limit)
        if inflater.unconsumed_tail:
            raise ValueError("the record is too large")
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeError) as error:
        raise ValueError(str(error)) from None

"""Random identities (a matrix's, a comment's): 32 lowercase hex digits, a version 4 UUID as
``uuid.uuid4().hex`` writes it, made from os.urandom as the uuid module makes it. Not through
the uuid module: importing it (and the platform module it loads) is a measurable part of the
start of a command such as ``check``, which never makes an identity."""

from __future__ import annotations

import os


def new_uid() -> str:
    """A new random identity."""
    digits = bytearray(os.urandom(16))
    digits[6] = (digits[6] & 0x0F) | 0x40  # version 4
    digits[8] = (digits[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return digits.hex()

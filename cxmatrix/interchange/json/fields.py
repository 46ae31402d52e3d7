"""Reading the fields of a JSON document: each reader checks one value's kind and bounds and
refuses a bad one with a message that names where in the document it is (``Where``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from cxmatrix.domain.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from cxmatrix.domain.roles import Role
from cxmatrix.interchange.errors import ImportFailed

SURROGATE = re.compile("[\ud800-\udfff]")
MAX_ID = 2**53  # ids are integers a JSON reader in any language keeps exactly


class Where:
    """Builds messages that say where in the JSON document a problem is."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, where: str, problem: str) -> ImportFailed:
        return ImportFailed(f"{self.file_name}: {where}: {problem}")


_KIND_NAMES = {dict: "an object", list: "a list", str: "text", bool: "true or false"}
_JSON_NAMES = {dict: "an object", list: "a list", str: "text", bool: "true or false",
               int: "a number", float: "a number", type(None): "null"}


def expect(value: Any, kind: type, where: str, at: Where) -> Any:
    # bool is a subclass of int, so compare exact types: JSON gives only these.
    if type(value) is not kind:
        found = _JSON_NAMES.get(type(value), type(value).__name__)
        raise at.fail(where, f"expected {_KIND_NAMES.get(kind, kind.__name__)}, found {found}")
    return value


def read_id(value: Any, where: str, at: Where) -> int:
    """An id: a whole number from 1 to MAX_ID."""
    if type(value) is not int or not 1 <= value <= MAX_ID:
        raise at.fail(where, f"must be a whole number from 1 to {MAX_ID:,}, not {value!r}")
    return value


def read_text(value: Any, where: str, at: Where, *, limit: int = MAX_TEXT_LENGTH,
              default: str = "") -> str:
    """A text field: null or absent gives ``default``; too long or not encodable is refused."""
    if value is None:
        return default
    text: str = expect(value, str, where, at)
    if len(text) > limit:
        raise at.fail(where, f"is {len(text):,} characters long; at most {limit:,} are allowed")
    bad = SURROGATE.search(text)
    if bad:
        raise at.fail(where, f"holds an invalid character (a lone surrogate, "
                             f"\\u{ord(bad.group()):04x}, at character {bad.start() + 1:,})")
    return text


def read_name(value: Any, where: str, at: Where, default: str = "") -> str:
    return read_text(value, where, at, limit=MAX_NAME_LENGTH, default=default)


def read_list(data: dict[str, Any], key: str, where: str, at: Where) -> list[Any]:
    value = data.get(key)
    return [] if value is None else expect(value, list, where, at)


def read_mapping(data: dict[str, Any], key: str, where: str, at: Where) -> dict[str, Any]:
    value = data.get(key)
    return {} if value is None else expect(value, dict, where, at)


def read_flag(entry: dict[str, Any], key: str, where: str, at: Where) -> bool:
    value = entry.get(key)
    return False if value is None else bool(expect(value, bool, where, at))


ROLE_WORDS = {role.value: role for role in Role}  # as the format writes them


def read_role(value: Any, where: str, at: Where) -> Role:
    known = ROLE_WORDS.get(value) if type(value) is str else None
    if known is not None:  # (the usual case, at a million cells: no checks to run)
        return known
    word = read_name(value, where, at)
    try:
        return Role(word.lower())
    except ValueError:
        raise at.fail(where, f"{word!r} is not a role (own, influence or handle)") from None


def read_moment(value: Any, where: str, at: Where) -> datetime:
    """A date and time written in ISO form (UTC when it names no zone)."""
    text = read_name(value, where, at)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise at.fail(where, f"{text!r} is not a date and time (write it as "
                             "2026-01-31T09:00:00+00:00)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read_day(value: Any, where: str, at: Where) -> date | None:
    """A date written as YYYY-MM-DD (null or empty: none)."""
    text = read_name(value, where, at)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise at.fail(where, f"{text!r} is not a date (write it as YYYY-MM-DD)") from None

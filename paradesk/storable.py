"""What PostgreSQL can store in a text or jsonb column, checked where input arrives (the API's
payloads, the sync API's records) so a bad value is a 422 with its field, never a 500 on save.

PostgreSQL refuses NUL characters and unpaired surrogates in text and jsonb, and NaN or infinity in
jsonb; SQLite takes them all, so a check only on one database would pass the tests and fail in
production.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator


def storable(value: str) -> str:
    """The text as it is, or ValueError naming what PostgreSQL would refuse in it."""
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode") from exc
    return value


# A payload's text field: a string that every database takes.
Text = Annotated[str, AfterValidator(storable)]


def json_storable(value: object) -> bool:
    """Whether jsonb takes the value: no NUL, unpaired surrogate or NaN anywhere in it, keys included."""
    if isinstance(value, str):
        try:
            storable(value)
        except ValueError:
            return False
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(json_storable(key) and json_storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(json_storable(item) for item in value)
    return True


__all__ = ["Text", "json_storable", "storable"]

"""The sync API's kinds are listed once (paradesk.recording.sync.kinds.BUILDERS): each kind a device
may send has a builder and a model, and nothing else is accepted."""

from __future__ import annotations

from typing import get_args

from pydantic import TypeAdapter

from paradesk.recording.models import RECORD_MODELS
from paradesk.recording.sync import AnyRecordIn
from paradesk.recording.sync.kinds import BUILDERS


def sent_kinds() -> set[str]:
    """The `kind` values the payload union takes, read from its schemas."""
    union = get_args(AnyRecordIn)[0]
    return {get_args(schema.model_fields["kind"].annotation)[0] for schema in get_args(union)}


def test_every_kind_sent_has_a_builder_and_a_model() -> None:
    assert sent_kinds() == set(BUILDERS) == set(RECORD_MODELS)
    assert len(BUILDERS) == 7


def test_the_documented_union_names_the_same_kinds() -> None:
    schema = TypeAdapter(AnyRecordIn).json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(BUILDERS)

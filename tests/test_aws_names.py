"""Names AWS and the provider accept."""

from __future__ import annotations

import pytest

from batchform.aws import names


@pytest.mark.parametrize(("value", "ok"), [
    ("nightly-etl", True), ("A_1", True), ("x" * 128, True), ("x" * 129, False),
    ("-leading", False), ("job queue", False), ("", False),
])
def test_batch_names(value: str, ok: bool) -> None:
    assert names.BATCH_NAME.allows(value) is ok


def test_batch_name_prefixes_leave_room_for_the_unique_suffix() -> None:
    assert names.BATCH_NAME_PREFIX_MAX_LENGTH + names.UNIQUE_SUFFIX_LENGTH == 128
    assert names.BATCH_NAME_PREFIX.allows("p" * 102)
    assert not names.BATCH_NAME_PREFIX.allows("p" * 103)


def test_problems_in_plain_words() -> None:
    assert names.batch_name_problem("ok-name") is None
    assert names.batch_name_problem("job queue") == "it holds ' '"
    assert names.batch_name_problem("x" * 129) == "it is 129 characters long"
    assert names.batch_name_problem("_x") == "it must start with a letter or digit"

"""S3 bucket names for the state backend."""

from __future__ import annotations

import pytest

from batchform.aws import s3


@pytest.mark.parametrize("name", ["my-state", "a.b.c", "abc", "x" * 63, "team-1-tfstate"])
def test_valid_names(name: str) -> None:
    assert s3.bucket_name_problem(name) is None


@pytest.mark.parametrize(("name", "why"), [
    ("ab", "3 to 63"), ("x" * 64, "3 to 63"), ("My-State", "lower-case"), ("-state", "begins"),
    ("a..b", "adjacent periods"), ("192.168.5.4", "IP address"), ("xn--state", "xn--"),
    ("sthree-state", "sthree-"), ("state-s3alias", "-s3alias"), ("state--ol-s3", "--ol-s3"),
])
def test_invalid_names_say_why(name: str, why: str) -> None:
    problem = s3.bucket_name_problem(name)
    assert problem is not None and why in problem

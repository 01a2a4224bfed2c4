"""The nested spec tables: launch templates and their user data, retries, volumes, IAM, backend."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from batchform.aws import jobs
from batchform.errors import SpecError
from batchform.spec_options import LaunchTemplate, Retry, Ulimit, spec_context
from batchform.specfile import load_spec

SPEC = """\
name = "demo"

[[compute_environments]]
name = "ce"
launch_template = {{ user_data = {path!r} }}

[[job_queues]]
name = "q"
compute_environments = ["ce"]
"""


def write(tmp_path: Path, path: str) -> Path:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(path=path))
    return spec


def test_user_data_is_read_beside_the_spec_and_becomes_a_mime_archive(tmp_path: Path) -> None:
    (tmp_path / "boot").mkdir()
    (tmp_path / "boot" / "init.sh").write_text("#!/bin/sh\necho ready\n")
    spec = load_spec(write(tmp_path, "boot/init.sh"))
    template = spec.compute_environments[0].launch_template
    assert template is not None and template.user_data == "boot/init.sh"
    archive = template.user_data_archive
    assert archive is not None and archive.startswith("MIME-Version: 1.0\n")
    assert "Content-Type: text/x-shellscript" in archive and "echo ready\n" in archive


def test_the_spec_file_decides_where_user_data_is_read_not_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "init.sh").write_text("#cloud-config\nruncmd: [true]\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    spec = load_spec(write(tmp_path, "init.sh"))
    archive = spec.compute_environments[0].launch_template.user_data_archive  # type: ignore[union-attr]
    assert archive is not None and "text/cloud-config" in archive


@pytest.mark.parametrize(("path", "words"), [
    ("../init.sh", "leads outside the spec's directory"),
    ("/etc/passwd", "give the path of a file relative to the spec's directory"),
    ("missing.sh", "no such file"),
    ("plain.txt", "start it with '#!'"),
    ("big.sh", "limited to 16 KB"),
    ("dir", "is not a regular file"),
    ("latin1.sh", "is not UTF-8"),
])
def test_user_data_that_cannot_be_used_is_refused(tmp_path: Path, path: str, words: str) -> None:
    (tmp_path.parent / "init.sh").write_text("#!/bin/sh\n")
    (tmp_path / "plain.txt").write_text("echo hi\n")
    (tmp_path / "big.sh").write_text("#!/bin/sh\n" + "#" * 17000 + "\n")
    (tmp_path / "dir").mkdir()
    (tmp_path / "latin1.sh").write_bytes(b"#!/bin/sh\necho caf\xe9\n")
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, path))
    (problem,) = caught.value.problems
    assert problem.field == 'compute_environments "ce": launch_template.user_data'
    assert words in problem.message


def test_a_symbolic_link_out_of_the_spec_directory_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.sh"
    outside.write_text("#!/bin/sh\n")
    inside = tmp_path / "spec"
    inside.mkdir()
    os.symlink(outside, inside / "init.sh")
    with pytest.raises(SpecError) as caught:
        load_spec(write(inside, "init.sh"))
    assert "leads outside" in caught.value.problems[0].message


def test_without_a_spec_file_user_data_is_read_from_the_directory_given(tmp_path: Path) -> None:
    (tmp_path / "init.sh").write_text("#!/bin/sh\n")
    template = LaunchTemplate.model_validate(
        {"user_data": "init.sh"}, context=spec_context(tmp_path)
    )
    assert template.user_data_archive is not None


def test_retry_presets_come_first_then_the_spec_s_rules_then_exit() -> None:
    retry = Retry.model_validate({
        "attempts": 3, "on_spot_reclaim": True, "on_image_pull_error": True,
        "evaluate_on_exit": [{"on_exit_code": "137", "action": "RETRY"}],
    })
    assert retry.rules == [jobs.ON_SPOT_RECLAIM, jobs.ON_IMAGE_PULL_ERROR,
                           jobs.ExitRule("RETRY", on_exit_code="137"), jobs.EXIT_OTHERWISE]


def test_a_catch_all_rule_of_the_spec_takes_the_place_of_the_final_exit() -> None:
    retry = Retry.model_validate({
        "attempts": 3, "on_spot_reclaim": True,
        "evaluate_on_exit": [{"on_reason": "*", "action": "RETRY"}],
    })
    assert retry.rules == [jobs.ON_SPOT_RECLAIM, jobs.ExitRule("RETRY", on_reason="*")]


def test_plain_attempts_have_no_rules() -> None:
    assert Retry.model_validate({"attempts": 2}).rules == []


def test_a_rule_needs_something_to_match() -> None:
    with pytest.raises(ValidationError, match="on_status_reason, on_reason or on_exit_code"):
        Retry.model_validate({"attempts": 2, "evaluate_on_exit": [{"action": "EXIT"}]})


def test_unlimited_ulimits() -> None:
    assert Ulimit.model_validate({"soft": -1, "hard": -1}).soft == -1
    assert Ulimit.model_validate({"soft": 1024, "hard": -1}).hard == -1
    with pytest.raises(ValidationError, match="above the hard limit"):
        Ulimit.model_validate({"soft": -1, "hard": 1024})

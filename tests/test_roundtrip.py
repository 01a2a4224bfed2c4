"""The parse-back check: generated text must say what the spec asked for, or nothing is written."""

from __future__ import annotations

import pytest

from batchform import roundtrip
from batchform.errors import RoundTripError
from batchform.render import plan_stack, render_terraform
from batchform.specfile import load_spec
from conftest import GOLDEN


@pytest.fixture(scope="module")
def rendered() -> tuple[object, dict[str, str]]:
    spec = load_spec(GOLDEN / "multi_queue_fair_share/spec.toml")
    return spec, render_terraform(plan_stack(spec))


def test_generated_stack_passes(rendered: tuple[object, dict[str, str]]) -> None:
    spec, files = rendered
    parsed = roundtrip.check_round_trip(spec, files)  # type: ignore[arg-type]
    assert set(parsed) == {path for path in files if path.endswith(".tf")}


@pytest.mark.parametrize(
    ("path", "old", "new", "words"),
    [
        ("main.tf", '"science-spot"', '"science-spot2"', "reads back as"),
        ("main.tf", 'THREADS = "8"', 'THREADS = "9"', "environment does not read back"),
        ("main.tf", "module.network.subnet_ids", "module.network.subnets", "has no output"),
        ("outputs.tf", "module.job_queue_shared.name", "module.job_queue_shared.title",
         "has no output"),
        ("outputs.tf", "module.job_queue_shared.name", "module.job_queue_gone.name",
         "unknown module"),
        ("modules/compute_environment/main.tf", "create_before_destroy = true",
         "create_before_destroy = false", "create_before_destroy"),
        ("modules/compute_environment/variables.tf", 'description = "Subnets compute runs in."',
         "", "lacks a description"),
        ("modules/job_definition/main.tf", "jsonencode({", "({", "jsonencode"),
        ("main.tf", "module \"job_queue_light\" {", "module \"job_queue_light\" {{", "cannot parse"),
    ],
)
def test_mismatches_are_reported_with_file_and_line(
    rendered: tuple[object, dict[str, str]], path: str, old: str, new: str, words: str
) -> None:
    spec, files = rendered
    assert old in files[path]
    broken = dict(files)
    broken[path] = files[path].replace(old, new, 1)
    with pytest.raises(RoundTripError) as caught:
        roundtrip.check_round_trip(spec, broken)  # type: ignore[arg-type]
    assert caught.value.path == path
    assert words in str(caught.value)
    assert "bug in batchform" in str(caught.value)


def test_parallel_parse_equals_serial(monkeypatch: pytest.MonkeyPatch,
                                      rendered: tuple[object, dict[str, str]]) -> None:
    _, files = rendered
    serial = {path: roundtrip.parse(path, text) for path, text in files.items()}
    monkeypatch.setattr(roundtrip, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(roundtrip, "CHUNK_BYTES", 500)
    assert len(list(roundtrip._chunks(files["main.tf"]))) > 3
    assert roundtrip.parse_files(files) == serial


def test_parallel_parse_reports_the_line_in_the_whole_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(roundtrip, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(roundtrip, "CHUNK_BYTES", 10)
    text = "".join(f'x "{n}" {{\n  a = 1\n}}\n' for n in range(4)) + "d = = 3\n"
    with pytest.raises(RoundTripError) as caught:
        roundtrip.parse_files({"bad.tf": text})
    assert caught.value.line == text.count("\n")


@pytest.mark.parametrize(
    ("path", "old", "new", "words"),
    [
        ("modules/compute_environment/main.tf", "aws_launch_template.instance.latest_version",
         '"$Latest"', "must be its latest_version"),
        ("modules/compute_environment/main.tf", "http_tokens = var.launch_template.http_tokens",
         "", "IMDS tokens"),
        ("main.tf", 'image_type          = "ECS_AL2023_NVIDIA"', 'image_type = "ECS_AL2023"',
         "image_type reads back as 'ECS_AL2023'"),
        ("main.tf", "gpus               = 1", "gpus = 2", "gpus reads back as"),
        ("variables.tf", "gpu = 64", "gpu = 65", "the default for 'gpu'"),
    ],
)
def test_new_features_are_checked_too(path: str, old: str, new: str, words: str) -> None:
    spec = load_spec(GOLDEN / "gpu_launch_template/spec.toml")
    files = render_terraform(plan_stack(spec))
    assert old in files[path], old
    broken = dict(files)
    broken[path] = files[path].replace(old, new, 1)
    with pytest.raises(RoundTripError) as caught:
        roundtrip.check_round_trip(spec, broken)
    assert caught.value.path == path and words in str(caught.value)


def test_the_checks_grow_linearly_with_job_definitions(monkeypatch: pytest.MonkeyPatch) -> None:
    # Values read back, counted for 100 and 200 jobs: reading the whole images map once per
    # job made it quadratic (1,000 jobs took 13 s even with every parse cached).
    from batchform.spec import Spec

    counted = {"calls": 0}
    real_value = roundtrip.value

    def counting(raw: object) -> object:
        counted["calls"] += 1
        return real_value(raw)

    monkeypatch.setattr(roundtrip, "value", counting)

    def calls_for(jobs: int) -> int:
        data = {
            "name": "scale",
            "compute_environments": [{"name": "ondemand", "instance_types": ["c6i.large"]}],
            "job_queues": [{"name": "q", "compute_environments": ["ondemand"]}],
            "job_definitions": [
                {"name": f"job{index}", "image": "public.ecr.aws/docker/library/alpine:3.20"}
                for index in range(jobs)
            ],
        }
        spec = Spec.model_validate(data)
        files = render_terraform(plan_stack(spec))
        counted["calls"] = 0
        roundtrip.check_round_trip(spec, files)
        return counted["calls"]

    small, large = calls_for(100), calls_for(200)
    assert large < 2.5 * small, (small, large)

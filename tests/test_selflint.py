"""generate lints what it renders: an error is a spec error against the spec's field (exit 2,
nothing written), a warning is printed and the run goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchform import cli, clock, render, spec
from batchform.errors import SpecError
from batchform.generate import build_stack, generate_stack
from batchform.specfile import load_spec

BIG_JOB = """\
name = "fit"
region = "us-east-1"

[network]
mode = "nat"

[[compute_environments]]
name = "ondemand"
type = "EC2"
instance_types = ["c6i.large", "c6i.xlarge"]
max_vcpus = 64

[[job_queues]]
name = "default"
compute_environments = ["ondemand"]

[[job_definitions]]
name = "small"
image = "public.ecr.aws/docker/library/alpine:3.20"
vcpus = 1
memory = 1024

[[job_definitions]]
name = "big"
image = "public.ecr.aws/docker/library/alpine:3.20"
vcpus = 16
memory = 65536
"""


@pytest.fixture
def spec_check_misses_the_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec's own job-fit check switched off: only lint can catch the big job now."""
    monkeypatch.setattr(spec, "_fit", lambda index, job, environments: [])


def test_the_spec_check_catches_the_big_job_by_itself(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(BIG_JOB)
    with pytest.raises(SpecError, match="fits no instance type"):
        load_spec(path)


@pytest.mark.usefixtures("spec_check_misses_the_fit")
def test_a_lint_error_on_the_rendered_stack_is_a_spec_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(BIG_JOB)
    code = cli.run(["generate", str(path), "--out", str(tmp_path / "stack")])
    assert code == 2
    (line,) = [text for text in capsys.readouterr().err.splitlines() if "BF004" in text]
    vcpus_line = BIG_JOB.splitlines().index("vcpus = 16") + 1
    assert line.startswith(f'batchform: {path}:{vcpus_line}: job_definitions "big": vcpus: no '
                           'compute environment can run it: compute environment "ondemand" '
                           "instance types c6i.large, c6i.xlarge top out at 4 vCPU")
    assert "job asks 16 vCPU / 65536 MiB" in line
    assert "module." not in line.split("(BF004")[0]
    assert "the generated modules/job_definition/main.tf:" in line
    assert not (tmp_path / "stack").exists()


@pytest.mark.usefixtures("spec_check_misses_the_fit")
def test_a_spec_without_a_file_is_named_without_lines() -> None:
    import tomllib

    with pytest.raises(SpecError) as raised:
        build_stack(spec.Spec.model_validate(tomllib.loads(BIG_JOB)), cache_dir=None)
    (problem,) = raised.value.problems
    assert problem.field == 'job_definitions "big": vcpus' and problem.line is None
    assert raised.value.source == "spec"


def test_a_lint_warning_is_printed_and_the_stack_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A template change that adds a warning-only trap: Amazon Linux 2 before the day it is
    # blocked (BF033 warns until then).
    import datetime

    monkeypatch.setattr(clock, "today", lambda: datetime.date(2026, 1, 1))
    original = render.render_terraform

    def with_al2(stack: render.Stack) -> dict[str, str]:
        files = original(stack)
        path = "modules/compute_environment/main.tf"
        files[path] = files[path].replace(
            "    security_group_ids  = var.security_group_ids\n",
            "    security_group_ids  = var.security_group_ids\n\n"
            "    ec2_configuration {\n      image_type = \"ECS_AL2\"\n    }\n", 1,
        )
        return files

    monkeypatch.setattr("batchform.generate.render_terraform", with_al2)
    result = generate_stack(None, tmp_path / "stack", cache_dir=None)
    assert result.written
    (warning,) = result.warnings
    assert warning.startswith('<built-in default spec>:')
    assert 'compute_environments "ondemand"' in warning and "BF033" in warning
    assert "from June 30, 2026" in warning


def test_module_calls_are_the_root_modules_calls() -> None:
    default = load_spec(None)
    main = build_stack(default, cache_dir=None).files["main.tf"]
    written = {line.split('"')[1] for line in main.splitlines() if line.startswith("module ")}
    assert written == set(render.module_calls(default))


def test_an_unchanged_stack_is_linted_once_per_day(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import datetime

    import batchform.lint

    calls: list[int] = []
    original = batchform.lint.lint_files

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batchform.lint, "lint_files", counted)
    default = load_spec(None)
    build_stack(default, cache_dir=tmp_path)
    build_stack(default, cache_dir=tmp_path)
    assert len(calls) == 1
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2030, 1, 1))
    build_stack(default, cache_dir=tmp_path)
    assert len(calls) == 2
    other = default.model_copy(update={"name": "other"})
    build_stack(other, cache_dir=tmp_path)
    build_stack(default, cache_dir=None)
    assert len(calls) == 4

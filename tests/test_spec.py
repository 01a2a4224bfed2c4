"""The spec models: defaults, both formats, and errors that point at the field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchform.errors import SpecError, UsageError
from batchform.specfile import load_spec, parse_spec, starter_spec_text, write_starter_spec

MINIMAL = """
name = "demo"

[[compute_environments]]
name = "ce"

[[job_queues]]
name = "q"
compute_environments = ["ce"]
"""


def test_minimal_spec_takes_safe_defaults() -> None:
    spec = parse_spec(MINIMAL, source="s.toml", suffix=".toml")
    ce = spec.compute_environments[0]
    assert spec.network.mode == "nat"
    assert ce.type == "EC2"
    assert ce.resolved_instance_types == ["optimal"]
    assert ce.resolved_allocation_strategy == "BEST_FIT_PROGRESSIVE"
    assert ce.resolved_min_vcpus == 0
    assert spec.job_definitions == []


def test_spot_defaults_to_an_updatable_spot_strategy() -> None:
    text = MINIMAL.replace('name = "ce"', 'name = "ce"\ntype = "SPOT"')
    spec = parse_spec(text, source="s.toml", suffix=".toml")
    assert spec.compute_environments[0].resolved_allocation_strategy == (
        "SPOT_PRICE_CAPACITY_OPTIMIZED"
    )


def test_yaml_and_toml_give_the_same_spec() -> None:
    yaml_text = (
        "name: demo\ncompute_environments:\n  - name: ce\n"
        "job_queues:\n  - name: q\n    compute_environments: [ce]\n"
    )
    assert parse_spec(yaml_text, source="s.yaml", suffix=".yaml") == parse_spec(
        MINIMAL, source="s.toml", suffix=".toml"
    )


def test_default_spec_is_the_commented_starter() -> None:
    assert "#" in starter_spec_text()
    spec = load_spec(None)
    assert spec.network.mode == "nat" and spec.network.nat_gateways == "single"
    assert [ce.type for ce in spec.compute_environments] == ["EC2"]
    assert spec.job_definitions[0].command == ["echo", "hello world"]


def test_toml_errors_carry_the_line_of_the_field() -> None:
    text = MINIMAL.replace('name = "ce"', 'name = "ce"\nmax_vcpus = "many"')
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="s.toml", suffix=".toml")
    (problem,) = caught.value.problems
    assert problem.field == 'compute_environments "ce": max_vcpus'
    assert problem.line == 6
    assert "whole number" in problem.message


def test_yaml_errors_carry_the_line_of_the_field() -> None:
    text = "name: demo\ncompute_environments:\n  - name: ce\n    max_vcpu: 4\njob_queues: []\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="s.yaml", suffix=".yaml")
    fields = {problem.field: problem.line for problem in caught.value.problems}
    assert fields['compute_environments "ce": max_vcpu'] == 4


def test_cross_reference_errors_name_each_field() -> None:
    text = MINIMAL.replace('compute_environments = ["ce"]', 'compute_environments = ["nope"]')
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="s.toml", suffix=".toml")
    (problem,) = caught.value.problems
    assert problem.field == 'job_queues "q": compute_environments[1]'
    assert "no compute environment named 'nope'" in problem.message


def test_public_image_in_endpoints_mode_suggests_nat_or_ecr() -> None:
    text = MINIMAL.replace('name = "demo"', 'name = "demo"\n[network]\nmode = "endpoints"')
    text += '\n[[job_definitions]]\nname = "j"\nimage = "alpine:3.20"\n'
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="s.toml", suffix=".toml")
    message = str(caught.value)
    assert 'job_definitions "j": image' in message
    assert "'nat'" in message and "ECR" in message


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="batchform init"):
        load_spec(tmp_path / "missing.toml")


def test_write_starter_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "spec.toml"
    write_starter_spec(target)
    assert load_spec(target) == load_spec(None)
    with pytest.raises(UsageError, match="--force"):
        write_starter_spec(target)
    write_starter_spec(target, force=True)


def test_the_choices_the_spec_offers_are_values_the_api_takes() -> None:
    from typing import get_args

    from batchform.aws import constraints
    from batchform.spec import ComputeEnvironment

    offered_types = set(get_args(ComputeEnvironment.model_fields["type"].annotation))
    api_types = constraints.allowed_values("aws_batch_compute_environment", "compute_resources.type")
    assert offered_types <= set(api_types)
    strategy = ComputeEnvironment.model_fields["allocation_strategy"].annotation
    offered = {value for member in get_args(strategy) for value in get_args(member)}
    api = constraints.allowed_values(
        "aws_batch_compute_environment", "compute_resources.allocation_strategy"
    )
    assert offered and offered <= set(api)


def test_compute_environments_know_their_architecture_and_types() -> None:
    text = MINIMAL.replace('name = "ce"', 'name = "ce"\ninstance_types = ["m7g"]')
    ce = parse_spec(text, source="s.toml", suffix=".toml").compute_environments[0]
    assert ce.architecture == "arm64"
    assert ce.known_instance_types and all(t.family == "m7g" for t in ce.known_instance_types)
    default = parse_spec(MINIMAL, source="s.toml", suffix=".toml").compute_environments[0]
    assert default.architecture == "x86_64" and default.known_instance_types is None


def test_a_job_too_big_for_an_unqueued_environment_is_not_judged_by_it() -> None:
    # Only compute environments some queue feeds can run the job; optimal ones are not judged.
    text = MINIMAL + (
        '\n[[compute_environments]]\nname = "small"\ninstance_types = ["c6i.large"]\n'
        '\n[[job_definitions]]\nname = "big"\nimage = "alpine:3"\nvcpus = 16\nmemory = 65536\n'
    )
    spec = parse_spec(text, source="s.toml", suffix=".toml")
    assert [ce.name for ce in spec.queued_environments] == ["ce"]


FEATURES = """
name = "demo"

[[compute_environments]]
name = "gpu"
instance_types = ["g5.xlarge", "g6.12xlarge"]

[[compute_environments]]
name = "arm"
instance_types = ["m7g"]

[[compute_environments]]
name = "fargate"
type = "FARGATE"

[[job_queues]]
name = "gpu"
compute_environments = ["gpu"]

[[job_queues]]
name = "arm"
compute_environments = ["arm"]
fair_share = { shares = { teama = 1 } }

[[job_queues]]
name = "fargate"
compute_environments = ["fargate"]

[[job_definitions]]
name = "train"
image = "public.ecr.aws/docker/library/alpine:3.20"
gpus = 4
vcpus = 8
memory = 65536
queues = ["gpu"]

[[job_definitions]]
name = "index"
image = "public.ecr.aws/docker/library/alpine:3.20"
architecture = "ARM64"
queues = ["arm"]
scheduling_priority = 5

[[job_definitions]]
name = "report"
platform = "FARGATE"
architecture = "ARM64"
image = "public.ecr.aws/docker/library/alpine:3.20"
vcpus = 1
memory = 2048
"""


def test_image_types_follow_the_gpus_of_the_instance_types() -> None:
    spec = parse_spec(FEATURES, source="s.toml", suffix=".toml")
    by_name = spec.environments_by_name
    assert by_name["gpu"].resolved_image_type == "ECS_AL2023_NVIDIA" and by_name["gpu"].has_gpus
    assert by_name["arm"].resolved_image_type == "ECS_AL2023" and not by_name["arm"].has_gpus


def test_jobs_run_on_the_queues_they_name_or_every_queue_of_their_platform() -> None:
    spec = parse_spec(FEATURES, source="s.toml", suffix=".toml")
    jobs = {job.name: job for job in spec.job_definitions}
    assert [q.name for q in spec.queues_of(jobs["train"])] == ["gpu"]
    assert [q.name for q in spec.queues_of(jobs["report"])] == ["fargate"]
    assert [ce.name for ce in spec.environments_of(jobs["index"])] == ["arm"]
    text = FEATURES.replace('queues = ["gpu"]\n', "scheduling_priority = 1\n")
    unnamed = parse_spec(text, source="s.toml", suffix=".toml").job_definitions[0]
    assert [q.name for q in spec.queues_of(unnamed)] == ["gpu", "arm"]


def test_a_gpu_job_needs_one_type_with_all_its_gpus() -> None:
    # g6.12xlarge has 4 GPUs: the job fits; 8 GPUs fit no type of the environment.
    with pytest.raises(SpecError) as caught:
        parse_spec(FEATURES.replace("gpus = 4", "gpus = 8"), source="s.toml", suffix=".toml")
    (problem,) = caught.value.problems
    assert problem.field == 'job_definitions "train": gpus'
    assert "at most 4 GPUs" in problem.message and "add " in problem.message


def test_a_gpu_job_needs_the_nvidia_image_type() -> None:
    text = FEATURES.replace('instance_types = ["g5.xlarge", "g6.12xlarge"]',
                            'instance_types = ["g5.xlarge", "g6.12xlarge"]\nimage_type = "ECS_AL2023"')
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="s.toml", suffix=".toml")
    assert "without GPU drivers" in caught.value.problems[0].message


def test_warnings_name_the_field_and_do_not_stop_the_spec(tmp_path: Path) -> None:
    from batchform.specfile import read_spec

    text = FEATURES.replace('name = "arm"\n', 'name = "arm"\nimage_id = "ami-0123456789abcdef0"\n', 1)
    text = text.replace('fair_share = { shares = { teama = 1 } }\n', "")
    path = tmp_path / "spec.toml"
    path.write_text(text)
    read = read_spec(path)
    fields = [warning.field for warning in read.warnings]
    assert fields == ['compute_environments "arm": image_id',
                      'job_definitions "index": scheduling_priority']
    line = text.splitlines().index('image_id = "ami-0123456789abcdef0"') + 1
    assert read.warning_lines()[0].startswith(f"{path}:{line}: compute_environments")


def test_efs_with_security_groups_of_your_own_is_a_warning() -> None:
    text = MINIMAL.replace('name = "demo"\n', 'name = "demo"\n[network]\nmode = "existing"\n'
                           'vpc_id = "vpc-0123456789abcdef0"\n'
                           'subnet_ids = ["subnet-0123456789abcdef0"]\n'
                           'security_group_ids = ["sg-0123456789abcdef0"]\n') + (
        '[[job_definitions]]\nname = "j"\nimage = "public.ecr.aws/docker/library/alpine:3.20"\n'
        'volumes = [{ name = "d", mount_path = "/d", efs = { file_system_id = "fs-01234567" } }]\n'
    )
    spec = parse_spec(text, source="s.toml", suffix=".toml")
    ((field, message),) = spec.warnings
    assert field == "job_definitions.0.volumes" and "NFS (TCP 2049)" in message

"""The way past the spec: Terraform override files in a generated stack.

generate never writes, reports or deletes them and --check ignores them; Terraform merges them,
so they change the plan, here through the real terraform binary and the offline provider. The
override examples the generated README gives are the ones tested.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from batchform.generate import check_stack, generate_stack
from batchform.harness import Plan, Terraform
from batchform.lifecycle import init_provider
from batchform.specfile import starter_spec_text
from conftest import GOLDEN

QUEUE = "module.job_queue_default.aws_batch_job_queue.this"
TEMPLATE = "module.compute_environment_gpu.aws_launch_template.instance"
ENVIRONMENT = "module.compute_environment_gpu.aws_batch_compute_environment.this"


def readme_overrides(readme: str) -> dict[str, str]:
    """The override files the README shows: path (from the sentence before) to HCL."""
    found: dict[str, str] = {}
    for match in re.finditer(r"in `([^`]+_override\.tf)`[^`]*?:\n\n```hcl\n(.*?)```", readme,
                             re.S):
        found[match.group(1)] = match.group(2)
    return found


def offline_plan(stack: Path) -> Plan:
    with Terraform(stack, cli_config="disable_checkpoint = true\n", keep_lock_file=False) as tf:
        init_provider(tf, "offline")
        tf.validate()
        return tf.plan()


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(starter_spec_text())
    return path


def test_the_readme_gives_override_examples(spec: Path, tmp_path: Path) -> None:
    generate_stack(spec, tmp_path / "stack")
    overrides = readme_overrides((tmp_path / "stack" / "README.md").read_text())
    assert list(overrides) == ["modules/job_queue/main_override.tf"]
    assert 'resource "aws_batch_job_queue" "this"' in overrides["modules/job_queue/main_override.tf"]


def test_an_override_survives_generate_and_check_stays_clean(spec: Path, tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    generate_stack(spec, stack)
    overrides = readme_overrides((stack / "README.md").read_text())
    for name, text in overrides.items():
        (stack / name).write_text(text)
    (stack / "override.tf").write_text('# the root takes override files too\n')
    spec.write_text(spec.read_text().replace("max_vcpus = 64", "max_vcpus = 96"))
    result = generate_stack(spec, stack)
    assert "variables.tf" in result.written
    assert not any(name.endswith("override.tf") for name in result.written + result.removed)
    for name, text in overrides.items():
        assert (stack / name).read_text() == text
    assert (stack / "override.tf").is_file()
    manifest = (stack / ".batchform-manifest.json").read_text()
    assert "override" not in manifest
    check_stack(spec, stack)  # raises DriftError if the override counted as drift


@pytest.mark.lifecycle
def test_the_readme_s_tag_override_changes_the_offline_plan(spec: Path, tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    generate_stack(spec, stack)
    assert offline_plan(stack)[QUEUE].after["tags"] is None
    for name, text in readme_overrides((stack / "README.md").read_text()).items():
        (stack / name).write_text(text)
    planned = offline_plan(stack)[QUEUE].after
    assert planned["tags"] == {"cost-center": "research-1234"}


@pytest.mark.lifecycle
def test_the_readme_s_root_volume_override_replaces_the_generated_block(tmp_path: Path) -> None:
    # The GPU golden writes its root volume with a dynamic block (one of its two launch
    # templates has none); the README's static block replaces it in both.
    stack = tmp_path / "stack"
    shutil.copytree(GOLDEN / "gpu_launch_template" / "expected", stack)
    before = offline_plan(stack)[TEMPLATE].after["block_device_mappings"]
    assert [mapping["ebs"][0]["volume_size"] for mapping in before] == [200]
    overrides = readme_overrides((stack / "README.md").read_text())
    assert set(overrides) == {"modules/job_queue/main_override.tf",
                              "modules/compute_environment/main_override.tf"}
    for name, text in overrides.items():
        (stack / name).write_text(text)
    plan = offline_plan(stack)
    after = plan[TEMPLATE].after["block_device_mappings"]
    assert [mapping["ebs"][0]["volume_size"] for mapping in after] == [500]
    cpu = plan["module.compute_environment_cpu.aws_launch_template.instance"]
    assert [m["ebs"][0]["volume_size"] for m in cpu.after["block_device_mappings"]] == [500]
    assert plan[ENVIRONMENT].action == "create"

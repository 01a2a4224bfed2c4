"""Tests for the batchform pytest plugin, run as users would run it, through pytester."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from batchform.harness import Plan
    from batchform.pytest_plugin import AppliedStack, StackFactory

pytest_plugins = ["pytester"]

STACK = """\
variable "name" {
  type    = string
  default = "first"
}

resource "terraform_data" "this" {
  input = var.name
}

resource "terraform_data" "replaced" {
  triggers_replace = var.name
}

output "name" {
  value = terraform_data.this.output
}
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A user project with one stack directory; working copies go under its `work` folder."""
    stack = pytester.path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(STACK)
    (pytester.path / "work").mkdir()
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    monkeypatch.setattr(tempfile, "tempdir", str(pytester.path / "work"))
    return pytester


def test_options_are_registered(pytester: pytest.Pytester) -> None:
    # A fresh interpreter: the plugin arrives through its pytest11 entry point, as for users.
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(
        [
            "*--batchform-provider=*",
            "*Default: offline.*",
            "*--batchform-keep*",
            "*--batchform-update-plans*",
        ]
    )


def test_factory_applies_yields_outputs_and_plan_then_destroys(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_stack="""
        from pathlib import Path

        def test_apply(batchform_stack):
            stack = batchform_stack(Path("stack"))
            assert stack.outputs == {"name": "first"}
            assert stack.plan.actions() == {
                "terraform_data.replaced": "create",
                "terraform_data.this": "create",
            }
            assert stack.provider == "builtin"
            assert stack.terraform.state_list() == [
                "terraform_data.replaced", "terraform_data.this"
            ]
            plan = stack.replan({"name": "second"})
            assert plan["terraform_data.replaced"].action == "replace"
            assert plan["terraform_data.this"].action == "update"
            assert stack.apply(plan) == {"name": "second"}
            Path("workdir.txt").write_text(str(stack.directory))
        """
    )
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    workdir = Path((project.path / "workdir.txt").read_text())
    assert not workdir.exists()
    assert list((project.path / "work").glob("batchform-*")) == []


def test_marker_selects_the_stack_for_terraform_stack(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_marked="""
        import pytest

        @pytest.mark.batchform_stack("stack", vars={"name": "marked"})
        def test_marked(terraform_stack):
            assert terraform_stack.outputs == {"name": "marked"}
        """
    )
    project.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_keep_leaves_state_and_names_it(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_keep="""
        def test_keep(batchform_stack):
            batchform_stack("stack")
        """
    )
    result = project.runpytest("--batchform-keep")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*batchform kept stacks*", "*terraform destroy*"])
    kept = list((project.path / "work").glob("batchform-*/stack/terraform.tfstate"))
    assert len(kept) == 1
    assert '"name": "this"' in kept[0].read_text()


def test_failing_stack_shows_terraform_diagnostic(project: pytest.Pytester) -> None:
    (project.path / "stack" / "main.tf").write_text(STACK.replace("input =", "inputs ="))
    project.makepyfile(
        test_bad="""
        def test_bad(batchform_stack):
            batchform_stack("stack")
        """
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*An argument named "inputs" is not expected here.*'])
    assert list((project.path / "work").glob("batchform-*")) == []


def test_destroy_failure_is_reported_and_state_kept(project: pytest.Pytester) -> None:
    (project.path / "stack" / "sticky.tf").write_text(
        'resource "terraform_data" "sticky" {\n  provisioner "local-exec" {\n'
        '    when    = destroy\n    command = "exit 1"\n  }\n}\n'
    )
    project.makepyfile(
        test_sticky="""
        def test_sticky(batchform_stack):
            batchform_stack("stack")
        """
    )
    result = project.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*DestroyFailedError*", "*state kept in*"])
    assert len(list((project.path / "work").glob("batchform-*/stack/terraform.tfstate"))) == 1


INVENTORY_TEST = """
from pathlib import Path

def test_inventory(batchform_stack, plan_inventory):
    stack = batchform_stack(Path("stack"))
    plan_inventory(stack.plan, Path("inventory.yaml"))
"""


def test_plan_inventory_write_then_match_then_diff(project: pytest.Pytester) -> None:
    project.makepyfile(test_inventory=INVENTORY_TEST)
    project.runpytest().assert_outcomes(failed=1)
    project.runpytest("--batchform-update-plans").assert_outcomes(passed=1)
    inventory = project.path / "inventory.yaml"
    assert "terraform_data.this: create" in inventory.read_text()
    project.runpytest().assert_outcomes(passed=1)

    inventory.write_text(
        "terraform_data.this: update\nterraform_data.gone: create\n"
        "terraform_data.replaced: create\n"
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*plan differs from inventory.yaml*",
            "*-terraform_data.gone: create",
            "*-terraform_data.this: update",
            "*+terraform_data.this: create",
            "*pytest --batchform-update-plans*",
        ]
    )


AWS_STACK = """\
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_role" "this" {
  name               = "plugin"
  assume_role_policy = "{}"
}

output "arn" {
  value = aws_iam_role.this.arn
}
"""

AWS_TESTS = """
from pathlib import Path

def test_first(batchform_stack):
    stack = batchform_stack(Path("aws"))
    assert stack.provider == "offline", stack.provider_note
    assert "offline asked for" in stack.provider_note
    assert stack.outputs["arn"].startswith("arn:aws:iam::")

def test_second(batchform_stack):
    # The same names again: the first test's stack was destroyed, so the account is free.
    assert batchform_stack(Path("aws")).outputs["arn"].endswith("role/plugin")
"""


def provider_starts(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_offline_is_the_default_and_one_provider_serves_the_session(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.path / "aws").mkdir()
    (project.path / "aws" / "main.tf").write_text(AWS_STACK)
    log = project.path / "starts.log"
    monkeypatch.setenv("BATCHFORM_PROVIDER_START_LOG", str(log))
    project.makepyfile(test_aws=AWS_TESTS)
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
    starts = provider_starts(log)
    assert [line.split()[1] for line in starts] == ["reattach"]
    pid = int(starts[0].split()[0])
    assert (
        not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    )


def test_kept_stacks_get_a_provider_process_each(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.path / "aws").mkdir()
    (project.path / "aws" / "main.tf").write_text(AWS_STACK.replace('"plugin"', "uuid()"))
    log = project.path / "starts.log"
    monkeypatch.setenv("BATCHFORM_PROVIDER_START_LOG", str(log))
    project.makepyfile(
        test_kept="""
        from pathlib import Path

        def test_one(batchform_stack):
            batchform_stack(Path("aws"), idempotent=False)

        def test_two(batchform_stack):
            batchform_stack(Path("aws"), idempotent=False)
        """
    )
    project.runpytest("--batchform-keep", "-p", "no:randomly").assert_outcomes(passed=2)
    assert [line.split()[1] for line in provider_starts(log)] == ["reattach", "reattach"]


@pytest.mark.parametrize("mode", ["aws", "registry"])
def test_real_provider_skips_with_reason(project: pytest.Pytester, mode: str) -> None:
    from batchform.lifecycle import registry_provider_unavailable

    if not registry_provider_unavailable():
        pytest.skip("the real provider is installable here")
    project.makepyfile(
        test_registry="""
        def test_real(batchform_stack):
            batchform_stack("stack")
        """
    )
    result = project.runpytest("--batchform-provider", mode, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*real hashicorp/aws provider cannot be installed*"])


def test_plugin_imports_nothing_heavy() -> None:
    probe = (
        "import sys, batchform.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'batchform', 'yaml', 'jinja2', 'hcl2', 'lark', 'grpc', 'botocore', 'pydantic', "
        "'typer', 'google', 'msgpack', 'cryptography'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert loaded.strip() == "['batchform', 'batchform.pytest_plugin']"


def test_stack_directory_renders_specs_and_passes_directories(tmp_path: Path) -> None:
    from batchform.errors import SpecError
    from batchform.pytest_plugin import stack_directory
    from batchform.specfile import write_starter_spec

    assert stack_directory(tmp_path, tmp_path / "unused") == tmp_path
    default = stack_directory(None, tmp_path / "default")
    assert (default / "main.tf").is_file()
    assert (default / "modules" / "job_queue" / "main.tf").is_file()
    write_starter_spec(tmp_path / "spec.toml")
    from_file = stack_directory(tmp_path / "spec.toml", tmp_path / "from-file")
    assert (from_file / "main.tf").read_text() == (default / "main.tf").read_text()
    with pytest.raises(SpecError, match="<spec mapping>.*compute_environments"):
        stack_directory({"name": "demo"}, tmp_path / "bad")


DEFAULT_INVENTORY = Path(__file__).parent / "plan_inventories" / "default.yaml"


@pytest.mark.lifecycle
@pytest.mark.batchform_stack(None, provider="offline")
def test_default_stack_matches_its_plan_inventory(
    terraform_stack: AppliedStack, plan_inventory: Callable[[Plan, Path], None]
) -> None:
    # The plugin is loaded in this very session through its entry point, as in a user's repo.
    assert terraform_stack.provider == "offline"
    plan_inventory(terraform_stack.plan, DEFAULT_INVENTORY)
    assert terraform_stack.outputs["job_queues"] == {"default": "hello-batch-default"}


CE = "module.compute_environment_ondemand.aws_batch_compute_environment.this"
QUEUE = "module.job_queue_default.aws_batch_job_queue.this"


@pytest.mark.lifecycle
def test_instance_type_change_updates_the_default_stack_in_place(
    batchform_stack: StackFactory,
) -> None:
    from batchform.specfile import starter_spec_text

    spec = tomllib.loads(starter_spec_text())
    stack = batchform_stack(spec, provider="offline")
    # The service-linked role and BEST_FIT_PROGRESSIVE make the environment updatable: new
    # instance types are an infrastructure update, and nothing else changes.
    spec["compute_environments"][0]["instance_types"] = ["c6i.2xlarge"]
    plan = stack.change(spec)
    assert plan.changed() == [CE]
    assert plan[CE].action == "update"
    old_arn = stack.outputs["compute_environments"]["ondemand"]
    assert stack.apply(plan)["compute_environments"]["ondemand"] == old_arn
    stack.terraform.check_idempotent()

    spec["compute_environments"][0]["max_vcpus"] = 128
    plan = stack.change(spec)
    assert plan.changed() == [CE]
    assert plan[CE].action == "update"
    stack.apply(plan)
    stack.terraform.check_idempotent()


@pytest.mark.lifecycle
def test_instance_type_change_with_a_custom_service_role_replaces_new_before_old(
    batchform_stack: StackFactory,
) -> None:
    from batchform.specfile import starter_spec_text

    spec = tomllib.loads(starter_spec_text())
    spec["service_role"] = "custom"
    stack = batchform_stack(spec, provider="offline")
    # A role of the stack's own makes the environment not updatable: new instance types replace
    # it, new before old, and the queue follows in place.
    spec["compute_environments"][0]["instance_types"] = ["c6i.2xlarge"]
    plan = stack.change(spec)
    assert (plan[CE].action, plan[CE].create_before_destroy) == ("replace", True)
    assert plan[QUEUE].action == "update"
    old_arn = stack.outputs["compute_environments"]["ondemand"]
    assert stack.apply(plan)["compute_environments"]["ondemand"] != old_arn
    stack.terraform.check_idempotent()


@pytest.mark.lifecycle
def test_fair_share_switched_on_and_off_converges_in_one_apply(
    batchform_stack: StackFactory,
) -> None:
    from batchform.specfile import starter_spec_text

    spec = tomllib.loads(starter_spec_text())
    stack = batchform_stack(spec, provider="offline")
    # AWS refuses a scheduling policy added to a queue or removed from one (the offline account
    # too): the generated queue is replaced instead, and the next plan is empty.
    spec["job_queues"][0]["fair_share"] = {"shares": {"teama": 1}}
    # Jobs that a fair-share queue runs are ordered by their scheduling priority.
    spec["job_definitions"][0]["scheduling_priority"] = 1
    plan = stack.change(spec)
    assert plan[QUEUE].action == "replace"
    stack.apply(plan)
    stack.terraform.check_idempotent()

    del spec["job_queues"][0]["fair_share"]
    plan = stack.change(spec)
    assert plan[QUEUE].action == "replace"
    stack.apply(plan)
    stack.terraform.check_idempotent()

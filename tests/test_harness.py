"""Tests for batchform.harness: argument building by table, then real terraform runs."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from batchform.errors import (
    DestroyFailedError,
    IdempotencyError,
    TerraformError,
    TerraformNotFoundError,
    UsageError,
)
from batchform.harness import Plan, Terraform, build_args, find_terraform, parse_diagnostics
from batchform.lifecycle import (
    aws_provider_configurations,
    init_provider,
    provider_mode,
    registry_provider_unavailable,
    run_lifecycle,
)
from batchform.provider import install
from batchform.provider.launcher import REATTACH_ENV, START_LOG_ENV

ARGS_TESTS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("init", {}, ["init", "-input=false", "-no-color"]),
    (
        "init",
        {"plugin_dir": Path("/p"), "backend": False, "upgrade": True},
        ["init", "-input=false", "-no-color", "-plugin-dir=/p", "-backend=false", "-upgrade"],
    ),
    ("init", {"upgrade": False, "plugin_dir": None}, ["init", "-input=false", "-no-color"]),
    ("validate", {}, ["validate", "-no-color", "-json"]),
    ("plan", {}, ["plan", "-input=false", "-no-color"]),
    (
        "plan",
        {"out": "p.tfplan", "detailed_exitcode": True, "refresh": False},
        [
            "plan",
            "-input=false",
            "-no-color",
            "-out=p.tfplan",
            "-detailed-exitcode",
            "-refresh=false",
        ],
    ),
    (
        "plan",
        {
            "vars": {"name": "x", "count": 2, "tags": {"a": "b"}, "on": True},
            "var_files": ["a.tfvars"],
        },
        [
            "plan",
            "-input=false",
            "-no-color",
            "-var=name=x",
            "-var=count=2",
            '-var=tags={"a": "b"}',
            "-var=on=true",
            "-var-file=a.tfvars",
        ],
    ),
    ("plan", {"destroy": True}, ["plan", "-input=false", "-no-color", "-destroy"]),
    ("show", {"path": Path("/t/p.tfplan")}, ["show", "-no-color", "-json", "/t/p.tfplan"]),
    ("show", {}, ["show", "-no-color", "-json"]),
    (
        "apply",
        {"plan_file": "p.tfplan", "parallelism": 4},
        ["apply", "-input=false", "-no-color", "-auto-approve", "-parallelism=4", "p.tfplan"],
    ),
    ("output", {}, ["output", "-no-color", "-json"]),
    ("output", {"name": "arn"}, ["output", "-no-color", "-json", "arn"]),
    (
        "destroy",
        {"vars": {"n": "1"}},
        ["destroy", "-input=false", "-no-color", "-auto-approve", "-var=n=1"],
    ),
    ("state list", {}, ["state", "list"]),
    ("state list", {"addresses": ["a.b", "c.d"]}, ["state", "list", "a.b", "c.d"]),
    ("fmt", {"recursive": True}, ["fmt", "-no-color", "-check", "-diff", "-recursive"]),
]


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    ARGS_TESTS,
    ids=[f"{c}-{'-'.join(o) or 'bare'}" for c, o, _ in ARGS_TESTS],
)
def test_build_args(command: str, options: dict[str, Any], expected: list[str]) -> None:
    assert build_args(command, **options) == expected


def test_build_args_rejects_unknown_command_and_option() -> None:
    with pytest.raises(UsageError, match="'taint' is not supported"):
        build_args("taint")
    with pytest.raises(UsageError, match=r"terraform plan: unknown option 'outfile'.*'out'"):
        build_args("plan", outfile="x")


# -- real terraform on configurations that need no provider download ----------------------------

MAIN = """\
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

output "id" {
  value = terraform_data.this.id
}
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write an inline file tree under `root` and return `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    """True once `pid` has exited (a zombie waiting for its reaper counts) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text():
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def listing(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "stack", {"main.tf": MAIN})


@pytest.mark.lifecycle
def test_init_validate_plan_apply_output_destroy(stack: Path) -> None:
    with Terraform(stack) as tf:
        tf.init()
        assert tf.validate().valid
        plan = tf.plan()
        assert plan.actions() == {
            "terraform_data.replaced": "create",
            "terraform_data.this": "create",
        }
        assert plan.changed() == ["terraform_data.replaced", "terraform_data.this"]
        assert plan.summary() == "2 to add, 0 to change, 0 to destroy"
        assert plan["terraform_data.this"].after == {"input": "first", "triggers_replace": None}
        assert plan.output_changes == {"id": ("create",), "name": ("create",)}
        tf.apply(plan)
        tf.check_idempotent()
        outputs = tf.output()
        assert outputs["name"] == "first"
        assert len(outputs["id"]) == 36
        assert tf.state_list() == ["terraform_data.replaced", "terraform_data.this"]
        assert tf.state_show()["values"]["root_module"]["resources"][0]["type"] == "terraform_data"
        tf.destroy()
        assert tf.state_list() == []
        root = tf.root
    assert not root.exists()


@pytest.mark.lifecycle
def test_plan_reports_replacement_and_update_in_place(stack: Path) -> None:
    text = MAIN.replace(
        'resource "terraform_data" "replaced" {\n',
        """\
resource "terraform_data" "replaced" {
  lifecycle {
    create_before_destroy = true
  }
""",
    )
    write_tree(stack, {"main.tf": text})
    with Terraform(stack) as tf:
        tf.init()
        with tf.applied_plan():
            plan = tf.plan(vars={"name": "second"})
            replaced = plan["terraform_data.replaced"]
            assert (replaced.action, replaced.create_before_destroy) == ("replace", True)
            assert replaced.replace_paths == (["triggers_replace"],)
            assert plan["terraform_data.this"].action == "update"
            assert plan.summary() == "1 to add, 1 to change, 1 to destroy"
            tf.apply(plan)
            assert tf.output()["name"] == "second"
        assert tf.state_list() == []


@pytest.mark.lifecycle
def test_change_config_plans_against_the_applied_state(stack: Path, tmp_path: Path) -> None:
    edited = write_tree(tmp_path / "edited", {"main.tf": MAIN.split("resource")[0]})
    (edited / "main.tf").write_text(
        (edited / "main.tf").read_text() + 'resource "terraform_data" "this" {\n  input = "x"\n}\n'
    )
    with Terraform(stack) as tf:
        tf.init()
        with tf.applied_plan():
            tf.change_config(edited)
            plan = tf.plan()
            assert plan.actions() == {
                "terraform_data.replaced": "delete",
                "terraform_data.this": "update",
            }
            tf.apply(plan)
            assert tf.state_list() == ["terraform_data.this"]
    assert listing(stack)["main.tf"] == MAIN


def test_plan_from_json_without_changes() -> None:
    plan = Plan.from_json({"format_version": "1.2"})
    assert (plan.actions(), plan.changed(), "x" in plan) == ({}, [], False)


def test_source_dir_is_left_clean(stack: Path) -> None:
    before = listing(stack)
    report = run_lifecycle(stack)
    assert report.ok, report.render()
    assert listing(stack) == before
    assert not (stack / ".terraform").exists()


def test_lifecycle_report_steps_and_provider(stack: Path) -> None:
    report = run_lifecycle(stack, provider="auto")
    assert [(s.name, s.status) for s in report.steps] == [
        (name, "passed")
        for name in ("fmt", "init", "validate", "plan", "apply", "idempotency", "output", "destroy")
    ]
    assert all(s.seconds > 0 for s in report.steps)
    assert report.provider == "builtin"
    assert report.outputs["name"] == "first"
    assert report.plan is not None and report.plan.changed()
    assert report.kept is None
    assert "passed in" in report.render()
    assert report.to_dict()["steps"][0]["name"] == "fmt"


def test_keep_skips_destroy_and_keeps_state(stack: Path) -> None:
    report = run_lifecycle(stack, keep=True)
    try:
        assert report.ok
        assert report.steps[-1].status == "skipped"
        assert report.kept is not None
        assert (report.kept / "stack" / "terraform.tfstate").is_file()
        assert f"kept in {report.kept}" in report.render()
    finally:
        shutil.rmtree(report.kept or "/nonexistent", ignore_errors=True)


def test_validate_error_carries_command_exit_code_and_diagnostic(stack: Path) -> None:
    write_tree(stack, {"main.tf": MAIN.replace("input = var.name", "inputs = var.name")})
    with Terraform(stack) as tf:
        tf.init()
        with pytest.raises(TerraformError) as caught:
            tf.validate()
    error = caught.value
    assert error.command[1:] == ["validate", "-no-color", "-json"]
    assert error.returncode == 1
    assert 'An argument named "inputs" is not expected here.' in error.output
    assert "on main.tf line 7:" in error.output
    assert "exited 1" in str(error)


def test_lifecycle_stops_at_validate_with_terraform_diagnostic(stack: Path) -> None:
    write_tree(stack, {"main.tf": MAIN.replace("input = var.name", "inputs = var.name")})
    report = run_lifecycle(stack)
    assert not report.ok
    assert report.failed is not None and report.failed.name == "validate"
    assert 'An argument named "inputs" is not expected here.' in report.failed.detail
    assert [s.status for s in report.steps][3:] == ["skipped"] * 5
    assert "failed at validate" in report.render()


def test_config_error_at_init_is_not_mistaken_for_a_missing_provider(stack: Path) -> None:
    write_tree(stack, {"main.tf": MAIN + 'resource "terraform_data" "this" {\n}\n'})
    report = run_lifecycle(stack, provider="auto")
    assert report.failed is not None and report.failed.name == "init"
    assert 'Duplicate resource "terraform_data" configuration' in report.failed.detail
    assert "offline" not in report.failed.detail


def test_fmt_check_names_the_unformatted_file(stack: Path) -> None:
    write_tree(stack, {"extra.tf": 'output "x" {\nvalue = 1\n}\n'})
    with Terraform(stack) as tf, pytest.raises(TerraformError) as caught:
        tf.fmt_check()
    assert caught.value.returncode == 3
    assert "extra.tf" in caught.value.output


@pytest.mark.lifecycle
def test_idempotency_failure_lists_changed_addresses(stack: Path) -> None:
    write_tree(
        stack,
        {"drift.tf": 'resource "terraform_data" "drift" {\n  triggers_replace = timestamp()\n}\n'},
    )
    with Terraform(stack) as tf:
        tf.init()
        with tf.applied_plan(), pytest.raises(IdempotencyError) as caught:
            tf.check_idempotent()
    assert caught.value.changed == {"terraform_data.drift": "replace"}
    assert "terraform_data.drift: replace" in str(caught.value)


def test_lifecycle_destroys_after_failed_idempotency(stack: Path) -> None:
    write_tree(
        stack,
        {"drift.tf": 'resource "terraform_data" "drift" {\n  triggers_replace = timestamp()\n}\n'},
    )
    report = run_lifecycle(stack)
    statuses = {s.name: s.status for s in report.steps}
    assert statuses["idempotency"] == "failed"
    assert statuses["output"] == "skipped"
    assert statuses["destroy"] == "passed"
    assert report.kept is None


FAILING_APPLY = """\
resource "terraform_data" "broken" {
  depends_on = [terraform_data.this]
  provisioner "local-exec" {
    command = "echo no capacity >&2; exit 7"
  }
}
"""


@pytest.mark.lifecycle
def test_destroy_runs_after_failed_apply(stack: Path) -> None:
    write_tree(stack, {"broken.tf": FAILING_APPLY})
    report = run_lifecycle(stack)
    statuses = {s.name: s.status for s in report.steps}
    assert (statuses["apply"], statuses["destroy"]) == ("failed", "passed")
    assert report.failed is not None and "no capacity" in report.failed.detail


DESTROY_FAILS = """\
resource "terraform_data" "sticky" {
  provisioner "local-exec" {
    when    = destroy
    command = "echo still in use >&2; exit 1"
  }
}
"""


@pytest.mark.lifecycle
def test_failed_destroy_keeps_state_and_says_where(stack: Path) -> None:
    write_tree(stack, {"sticky.tf": DESTROY_FAILS})
    tf = Terraform(stack)
    try:
        tf.init()
        with (
            pytest.raises(DestroyFailedError) as caught,
            tf.applied_plan(tf.plan(vars={"name": "kept"})),
        ):
            pass
        kept = tf.close()
        assert kept == tf.root == caught.value.kept
        assert "still in use" in caught.value.output
        assert f"state kept in {kept / 'stack'}" in str(caught.value)
        assert '"name": "sticky"' in (kept / "stack" / "terraform.tfstate").read_text()
        # Once whatever blocked the destroy is gone, the printed command finishes the job.
        retry = str(caught.value).rsplit("retry with: ", 1)[1]
        assert "-var=name=kept" in retry
        (kept / "stack" / "sticky.tf").write_text('resource "terraform_data" "sticky" {}\n')
        env = {**tf.env, "PATH": os.environ["PATH"]}
        subprocess.run(["sh", "-c", retry], check=True, env=env, capture_output=True)
        assert '"resources": []' in (kept / "stack" / "terraform.tfstate").read_text()
    finally:
        shutil.rmtree(tf.root, ignore_errors=True)


def test_lifecycle_reports_kept_state_on_failed_destroy(stack: Path) -> None:
    write_tree(stack, {"sticky.tf": DESTROY_FAILS})
    report = run_lifecycle(stack)
    try:
        assert report.failed is not None and report.failed.name == "destroy"
        assert report.kept is not None and (report.kept / "stack" / "terraform.tfstate").is_file()
    finally:
        shutil.rmtree(report.kept or "/nonexistent", ignore_errors=True)


def test_timeout_stops_terraform_and_its_children(stack: Path, tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    write_tree(
        stack,
        {
            "slow.tf": 'resource "terraform_data" "slow" {\n  provisioner "local-exec" {\n'
            f'    command = "sleep 1.5; touch {marker}"\n  }}\n}}\n'
        },
    )
    with Terraform(stack, timeout=20) as tf:
        tf.init()
        tf.plan()
        tf.timeout = 0.5
        started = time.monotonic()
        with pytest.raises(TerraformError) as caught:
            tf.apply()
        assert time.monotonic() - started < 8
    assert caught.value.returncode is None
    assert "timed out" in str(caught.value)
    assert "apply" in caught.value.command
    time.sleep(2)
    assert not marker.exists()


def test_environment_is_private_and_quiet(stack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_LOG", "TRACE")
    monkeypatch.setenv("TF_LOG_PATH", "/tmp/should-not-be-written")
    monkeypatch.setenv("TF_CLI_ARGS_plan", "-destroy")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(stack / "missing.tfrc"))
    with Terraform(stack) as tf, Terraform(stack) as other:
        assert not any(key.startswith(("TF_LOG", "TF_CLI_ARGS")) for key in tf.env)
        assert tf.env["TF_DATA_DIR"] != other.env["TF_DATA_DIR"]
        assert Path(tf.env["TF_CLI_CONFIG_FILE"]).is_file()
        output = tf.init()
        assert "[TRACE]" not in output
        assert "CLI configuration" not in output
        assert tf.plan().summary() == "2 to add, 0 to change, 0 to destroy"
        assert not (tf.workdir / ".terraform").exists()
        assert not (stack / ".terraform").exists()
    assert not Path("/tmp/should-not-be-written").exists()


# -- the subprocess choke point, with a scripted binary -----------------------------------------


def fake_terraform(tmp_path: Path, script: str, name: str = "terraform") -> Path:
    path = tmp_path / "bin" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_retries_known_transient_errors(stack: Path, tmp_path: Path) -> None:
    counter = tmp_path / "count"
    binary = fake_terraform(
        tmp_path,
        f"""\
echo x >> {counter}
if [ $(wc -l < {counter}) -lt 2 ]; then
  echo 'Error: Failed to install provider' >&2
  echo 'net/http: TLS handshake timeout' >&2
  exit 1
fi
echo ok""",
    )
    with Terraform(stack, binary=str(binary)) as tf:
        assert "ok" in tf.init()
    assert counter.read_text().count("x") == 2


def test_gives_up_after_the_retries(stack: Path, tmp_path: Path) -> None:
    counter = tmp_path / "count"
    binary = fake_terraform(
        tmp_path, f"echo x >> {counter}; echo 'read: connection reset by peer' >&2; exit 1"
    )
    with Terraform(stack, binary=str(binary), retries=1) as tf, pytest.raises(TerraformError):
        tf.init()
    assert counter.read_text().count("x") == 2


def test_apply_is_never_retried(stack: Path, tmp_path: Path) -> None:
    counter = tmp_path / "count"
    binary = fake_terraform(
        tmp_path, f"echo x >> {counter}; echo 'read: connection reset by peer' >&2; exit 1"
    )
    with Terraform(stack, binary=str(binary)) as tf, pytest.raises(TerraformError):
        tf.execute(build_args("apply", plan_file="p.tfplan"))
    assert counter.read_text().count("x") == 1


def test_does_not_retry_other_errors(stack: Path, tmp_path: Path) -> None:
    counter = tmp_path / "count"
    binary = fake_terraform(
        tmp_path, f"echo x >> {counter}; echo 'dial tcp: lookup registry: no such host' >&2; exit 1"
    )
    with Terraform(stack, binary=str(binary)) as tf, pytest.raises(TerraformError) as caught:
        tf.init()
    assert counter.read_text().count("x") == 1
    assert caught.value.returncode == 1
    assert "no such host" in caught.value.output


def test_first_error_is_summary_and_first_paragraph() -> None:
    from batchform.lifecycle import _first_error

    output = """Initializing provider plugins...
╷
│ Error: Failed to query available provider packages
│
│ Could not retrieve the list of available versions for provider hashicorp/aws:
│ dial tcp: lookup registry.terraform.io: no such host
│
│ To see which modules are currently depending on hashicorp/aws, run terraform providers.
╵
"""
    assert _first_error(output) == (
        "Failed to query available provider packages: Could not retrieve the list of available "
        "versions for provider hashicorp/aws: dial tcp: lookup registry.terraform.io: no such host"
    )
    assert _first_error("just one line\n") == "just one line"


def test_find_terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tofu = fake_terraform(tmp_path, "exit 0", name="tofu")
    monkeypatch.delenv("TERRAFORM", raising=False)
    monkeypatch.setenv("PATH", str(tofu.parent))
    assert find_terraform() == str(tofu)
    monkeypatch.setenv("TERRAFORM", str(tmp_path / "nowhere" / "terraform"))
    with pytest.raises(TerraformNotFoundError, match="set TERRAFORM"):
        find_terraform()
    monkeypatch.setenv("TERRAFORM", str(tofu))
    assert find_terraform() == str(tofu)


def test_missing_source_dir_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a directory"):
        Terraform(tmp_path / "absent")


# -- copying the stack ---------------------------------------------------------------------------


def work_dir_entries(tmp_path: Path) -> list[str]:
    return os.listdir(tmp_path / "work")


def test_named_pipe_in_the_stack_is_refused_without_reading_it(stack: Path, tmp_path: Path) -> None:
    os.mkfifo(stack / "pipe")
    with pytest.raises(UsageError, match=r"pipe: a named pipe \(FIFO\), not a regular file"):
        Terraform(stack)
    assert work_dir_entries(tmp_path) == []


def test_dangling_symbolic_link_is_refused(stack: Path, tmp_path: Path) -> None:
    (stack / "modules").mkdir()
    (stack / "modules" / "gone.tf").symlink_to(tmp_path / "nowhere.tf")
    with pytest.raises(
        UsageError, match=r"gone.tf: a symbolic link to .*nowhere.tf, which does not exist"
    ):
        Terraform(stack)
    assert work_dir_entries(tmp_path) == []


def test_symbolic_link_to_an_enclosing_directory_is_refused(stack: Path, tmp_path: Path) -> None:
    (stack / "modules" / "network").mkdir(parents=True)
    (stack / "modules" / "network" / "again").symlink_to(stack)
    with pytest.raises(UsageError, match="a directory it lies in: copying it would never end"):
        Terraform(stack)
    assert work_dir_entries(tmp_path) == []


def test_loop_of_symbolic_links_is_refused(stack: Path, tmp_path: Path) -> None:
    (stack / "a.tf").symlink_to(stack / "b.tf")
    (stack / "b.tf").symlink_to(stack / "a.tf")
    with pytest.raises(UsageError, match="a loop of symbolic links"):
        Terraform(stack)
    assert work_dir_entries(tmp_path) == []


def test_symbolic_links_to_files_and_directories_are_copied_as_content(
    stack: Path, tmp_path: Path
) -> None:
    shared = write_tree(tmp_path / "shared", {"module/main.tf": "# shared module\n"})
    (stack / "modules").symlink_to(shared)
    (stack / "extra.tf").symlink_to(shared / "module" / "main.tf")
    with Terraform(stack) as tf:
        assert (tf.workdir / "modules" / "module" / "main.tf").read_text() == "# shared module\n"
        assert not (tf.workdir / "extra.tf").is_symlink()
        assert (tf.workdir / "extra.tf").read_text() == "# shared module\n"


def test_deep_directory_tree_is_copied(stack: Path) -> None:
    deep = stack.joinpath(*["d"] * 200)
    deep.mkdir(parents=True)
    (deep / "note.txt").write_text("deep")
    with Terraform(stack) as tf:
        assert tf.workdir.joinpath(*["d"] * 200, "note.txt").read_text() == "deep"


def test_output_that_is_not_utf8_is_reported_not_raised(stack: Path) -> None:
    (stack / "latin1.tf").write_bytes(b'output "x" {\nvalue = "caf\xe9"\n}\n')
    report = run_lifecycle(stack)
    assert report.failed is not None and report.failed.name == "fmt"
    assert "latin1.tf" in report.failed.detail
    assert "caf\ufffd" in report.failed.detail


@pytest.mark.parametrize(
    "files", [{}, {"README.md": "# notes\n"}, {"modules/x/main.tf": "# only in a module\n"}]
)
def test_directory_without_configuration_is_a_usage_error(
    tmp_path: Path, files: dict[str, str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    write_tree(empty, files)
    with pytest.raises(UsageError, match=r"no Terraform configuration here \(no .tf or .tf.json"):
        run_lifecycle(empty)
    assert work_dir_entries(tmp_path) == []


# -- the hashicorp/aws provider -------------------------------------------------------------------

AWS_STACK = """\
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

# No AWS call is needed for a partition, so dummy credentials let the real provider run too.
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

data "aws_partition" "current" {}

output "partition" {
  value = data.aws_partition.current.partition
}
"""


@pytest.mark.registry
def test_registry_provider_lifecycle(tmp_path: Path) -> None:
    reason = registry_provider_unavailable()
    if reason:
        pytest.skip(f"real hashicorp/aws provider cannot be installed: {reason}")
    report = run_lifecycle(write_tree(tmp_path / "aws", {"main.tf": AWS_STACK}), provider="aws")
    assert report.provider == "aws"
    assert report.ok, report.render()


def test_auto_falls_back_to_offline_provider(tmp_path: Path) -> None:
    if not registry_provider_unavailable():
        pytest.skip("the real provider is installable here; auto would use it")
    report = run_lifecycle(write_tree(tmp_path / "aws", {"main.tf": AWS_STACK}), provider="auto")
    assert report.provider == "offline"
    assert "real provider not installable" in report.provider_note
    assert report.ok, report.render()
    assert report.outputs["partition"] == "aws"


def test_auto_falls_back_when_the_registry_hangs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import batchform.lifecycle

    real = find_terraform()
    # A registry that never answers: init without -plugin-dir hangs, everything else is real.
    binary = fake_terraform(
        tmp_path,
        f'case "$*" in *-plugin-dir*) exec {real} "$@";; init*) sleep 30;; esac; exec {real} "$@"',
    )
    monkeypatch.setattr(batchform.lifecycle, "PROBE_TIMEOUT", 0.5)
    stack = write_tree(tmp_path / "aws", {"main.tf": AWS_STACK})
    with Terraform(stack, binary=str(binary)) as tf:
        started = time.monotonic()
        used, note = init_provider(tf, "auto")
        assert time.monotonic() - started < 10
        assert used == "offline"
        assert "real provider not installable: no result in 0.5 s" in note
        assert tf.validate().valid


def test_registry_mode_fails_at_init_when_provider_cannot_be_installed(tmp_path: Path) -> None:
    if not registry_provider_unavailable():
        pytest.skip("the real provider is installable here")
    started = time.monotonic()
    report = run_lifecycle(
        write_tree(tmp_path / "aws", {"main.tf": AWS_STACK}), provider="registry"
    )
    assert time.monotonic() - started < 30
    assert report.failed is not None and report.failed.name == "init"
    assert "hashicorp/aws" in report.failed.detail


def test_unknown_provider_mode(stack: Path) -> None:
    with pytest.raises(UsageError, match="expected offline, aws or auto"):
        run_lifecycle(stack, provider="cloud")  # type: ignore[arg-type]


def test_provider_modes() -> None:
    assert [provider_mode(m) for m in ("offline", "aws", "registry", "auto")] == [
        "offline",
        "aws",
        "aws",
        "auto",
    ]


def test_the_default_provider_is_offline_even_when_the_real_one_is_installable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A filesystem mirror that holds a hashicorp/aws: `auto` would take it for the real one.
    mirror = tmp_path / "mirror"
    install(mirror)
    config = tmp_path / "mirror.tfrc"
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    )
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(config))
    stack = write_tree(tmp_path / "aws", {"main.tf": AWS_STACK})
    with Terraform(stack) as tf:
        assert init_provider(tf, "auto")[0] == "aws"
    report = run_lifecycle(stack)
    assert report.ok, report.render()
    assert report.provider == "offline"
    assert "offline asked for" in report.provider_note


def read_starts(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_one_provider_process_serves_the_whole_lifecycle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "starts.log"
    monkeypatch.setenv(START_LOG_ENV, str(log))
    report = run_lifecycle(write_tree(tmp_path / "aws", {"main.tf": AWS_STACK}))
    assert report.ok, report.render()
    assert "one provider process for every command" in report.provider_note
    starts = read_starts(log)
    assert len(starts) <= 2 and [line.split()[1] for line in starts] == ["reattach"]
    pid = int(starts[0].split()[0])
    assert wait_gone(pid), "the provider outlived its lifecycle"


def test_one_start_per_command_when_reattach_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "starts.log"
    monkeypatch.setenv(START_LOG_ENV, str(log))
    monkeypatch.setenv(REATTACH_ENV, "0")
    report = run_lifecycle(write_tree(tmp_path / "aws", {"main.tf": AWS_STACK}))
    assert report.ok, report.render()
    assert f"a provider process per terraform command ({REATTACH_ENV}=0)" in report.provider_note
    starts = read_starts(log)
    assert len(starts) > 5 and {line.split()[1] for line in starts} == {"terraform"}


def test_several_aws_configurations_get_a_process_per_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aliased = AWS_STACK + (
        'provider "aws" {\n  alias                       = "west"\n  region                      = "us-west-2"\n'
        '  access_key                  = "test"\n  secret_key                  = "test"\n'
        "  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n}\n\n"
        'data "aws_region" "west" {\n  provider = aws.west\n}\n\n'
        'output "west" {\n  value = data.aws_region.west.region\n}\n'
    )
    log = tmp_path / "starts.log"
    monkeypatch.setenv(START_LOG_ENV, str(log))
    report = run_lifecycle(write_tree(tmp_path / "aws", {"main.tf": aliased}))
    assert report.ok, report.render()
    assert "more than one aws provider configuration" in report.provider_note
    assert report.outputs["west"] == "us-west-2"
    assert "reattach" not in log.read_text()


def test_aws_provider_configurations_are_counted(tmp_path: Path) -> None:
    one = write_tree(tmp_path / "one", {"main.tf": 'provider "aws" {\n  region = "x"\n}\n'})
    assert aws_provider_configurations(one) == 1
    write_tree(one, {"modules/m/main.tf": 'provider "aws" {\n  region = "y"\n}\n'})
    assert aws_provider_configurations(one) == 2
    json_stack = write_tree(tmp_path / "json", {"main.tf.json": '{"provider": {"aws": {}}}'})
    assert aws_provider_configurations(json_stack) == 2
    assert aws_provider_configurations(write_tree(tmp_path / "none", {"main.tf": MAIN})) == 0


APPLY_FAILURE_TEXT = """terraform_data.slow: Creating...

Error: local-exec provisioner error

  with terraform_data.slow,
  on main.tf line 7, in resource "terraform_data" "slow":
   7:   provisioner "local-exec" {

Error running command 'sleep 6': signal: killed. Output:

Warning: Deprecated argument

  on main.tf line 2:
   2:   old = 1

Use new instead.
"""

BOXED_TEXT = """╷
│ Error: Failed to query available provider packages
│
│ Could not retrieve the list of available versions for provider hashicorp/aws:
│ no such host
╵
"""


def test_parse_diagnostics_reads_terraform_text() -> None:
    first, second = parse_diagnostics(APPLY_FAILURE_TEXT)
    assert first.to_dict() == {
        "severity": "error",
        "summary": "local-exec provisioner error",
        "detail": "Error running command 'sleep 6': signal: killed. Output:",
        "address": "terraform_data.slow",
        "filename": "main.tf",
        "line": 7,
    }
    assert (second.severity, second.summary, second.detail) == (
        "warning",
        "Deprecated argument",
        "Use new instead.",
    )
    assert second.address is None and second.line == 2
    (boxed,) = parse_diagnostics(BOXED_TEXT)
    assert boxed.summary == "Failed to query available provider packages"
    assert boxed.detail == (
        "Could not retrieve the list of available versions for provider hashicorp/aws:\n"
        "no such host"
    )
    assert parse_diagnostics("Apply complete! Resources: 1 added.\n") == []


def test_failed_step_carries_diagnostics_as_plain_values(stack: Path) -> None:
    write_tree(stack, {"main.tf": MAIN.replace("input = var.name", "inputs = var.name")})
    report = run_lifecycle(stack)
    document = report.to_dict()
    assert json.loads(json.dumps(document)) == document
    (validate,) = [step for step in document["steps"] if step["name"] == "validate"]
    assert validate["status"] == "failed"
    (diagnostic,) = validate["diagnostics"]
    assert diagnostic["severity"] == "error"
    assert diagnostic["summary"] == "Unsupported argument"
    assert diagnostic["filename"] == "main.tf" and diagnostic["line"] == 7
    assert "Validation(" not in json.dumps(document)


@pytest.mark.lifecycle
def test_failed_apply_carries_the_address_of_the_resource(stack: Path) -> None:
    write_tree(stack, {"broken.tf": FAILING_APPLY})
    report = run_lifecycle(stack)
    (apply,) = [step for step in report.to_dict()["steps"] if step["name"] == "apply"]
    summaries = {(d["summary"], d["address"]) for d in apply["diagnostics"]}
    assert ("local-exec provisioner error", "terraform_data.broken") in summaries


@pytest.fixture(autouse=True)
def _no_stray_working_copies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Working copies go under this test's tmp_path, so a leak shows up in one place. Only this
    # process's default changes: terraform and providers keep the system's short TMPDIR.
    (tmp_path / "work").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "work"))


def test_working_copies_are_removed(stack: Path, tmp_path: Path) -> None:
    run_lifecycle(stack)
    assert os.listdir(tmp_path / "work") == []


@pytest.mark.lifecycle
def test_default_stack_offline_lifecycle(tmp_path: Path) -> None:
    from batchform.generate import generate_stack

    generate_stack(None, tmp_path / "stack")
    report = run_lifecycle(tmp_path / "stack", provider="offline")
    assert report.ok, report.render()
    assert report.provider == "offline"
    assert report.plan is not None
    actions = report.plan.actions()
    assert set(actions.values()) == {"create"}
    assert actions["module.job_queue_default.aws_batch_job_queue.this"] == "create"
    assert report.outputs["job_queues"] == {"default": "hello-batch-default"}
    assert report.outputs["job_definition_arns"]["hello"].startswith("arn:aws:batch:")


GOLDEN_STACKS = sorted(Path(__file__).parent.glob("golden/*/expected"))


@pytest.mark.lifecycle
@pytest.mark.parametrize("stack_dir", GOLDEN_STACKS, ids=lambda path: path.parent.name)
def test_golden_stack_offline_lifecycle(stack_dir: Path) -> None:
    before = listing(stack_dir)
    report = run_lifecycle(stack_dir, provider="offline")
    assert report.ok, report.render()
    assert report.plan is not None and set(report.plan.actions().values()) == {"create"}
    assert listing(stack_dir) == before


def test_golden_stacks_are_found() -> None:
    assert len(GOLDEN_STACKS) >= 7

"""The real-account check of `batchform test`, against moto's STS in server mode on loopback.

The real hashicorp/aws provider cannot be installed here, so the end-to-end tests serve
batchform's offline provider from a filesystem mirror, where terraform takes it for
hashicorp/aws: the lifecycle then runs exactly as with the real provider, and the account
and region come from moto.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batchform.errors import UsageError
from batchform.identity import AwsTarget, aws_target, caller_identity, provider_settings
from batchform.provider import install
from doctor_support import free_port, start_moto, stop_moto

MOTO_ACCOUNT = "123456789012"  # moto's default account id

STACK = """\
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

provider "aws" {
  region = var.region
}

resource "aws_iam_role" "this" {
  name = "confirmed"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "batch.amazonaws.com" } }]
  })
}
"""


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto in server mode on a free loopback port, for this module's tests."""
    process, url = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        yield url
    finally:
        stop_moto(process)


@pytest.fixture
def aws_env(moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Credentials for moto, nothing from the user's own AWS files."""
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL_STS": moto_url,
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for key in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def plan_document(expressions: dict[str, Any], variables: dict[str, Any] | None = None) -> Any:
    return {
        "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": expressions}}},
        "variables": variables or {},
    }


# -- reading the stack's provider block from a saved plan ---------------------------------------


def test_provider_settings_from_constants_and_variables() -> None:
    document = plan_document(
        {
            "region": {"references": ["var.region"]},
            "profile": {"constant_value": "ops"},
            "assume_role": [{"role_arn": {"constant_value": "arn:aws:iam::210987654321:role/x"}}],
        },
        {"region": {"value": "ap-south-1"}},
    )
    assert provider_settings(document).region == "ap-south-1"
    assert provider_settings(document).profile == "ops"
    assert provider_settings(document).role_arn == "arn:aws:iam::210987654321:role/x"
    assert provider_settings({}).region is None
    assert provider_settings(plan_document({"region": {"references": ["local.r"]}})).region is None


# -- STS GetCallerIdentity through botocore -----------------------------------------------------


def test_caller_identity_from_the_environment(aws_env: dict[str, str]) -> None:
    account, arn, env_region = caller_identity(region=None, profile=None)
    assert account == MOTO_ACCOUNT
    assert arn.startswith(f"arn:aws:sts::{MOTO_ACCOUNT}:")
    assert env_region is None


def test_target_region_comes_from_the_stack_before_the_environment(
    aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    from_stack = aws_target(plan_document({"region": {"constant_value": "eu-central-1"}}))
    assert (from_stack.account, from_stack.region) == (MOTO_ACCOUNT, "eu-central-1")
    assert from_stack.region_source == "from the stack's provider block"
    from_env = aws_target(plan_document({}))
    assert (from_env.region, from_env.region_source) == (
        "us-west-2",
        "from the environment or the AWS profile",
    )


def test_assumed_role_account_is_where_resources_go(aws_env: dict[str, str]) -> None:
    role = "arn:aws:iam::210987654321:role/deploy"
    target = aws_target(
        plan_document(
            {
                "region": {"constant_value": "eu-west-1"},
                "assume_role": [{"role_arn": {"constant_value": role}}],
            }
        )
    )
    assert target.account == "210987654321"
    assert f"assuming {role}" in target.statement()


def test_no_credentials_is_a_usage_error(
    aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(UsageError, match="Unable to locate credentials.*nothing was created"):
        caller_identity(region="eu-west-1", profile=None)


def test_unreachable_endpoint_is_a_usage_error(
    aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(UsageError, match="cannot tell which AWS account"):
        caller_identity(region="eu-west-1", profile=None)
    assert time.monotonic() - started < 30


def test_statement_names_account_principal_and_region() -> None:
    target = AwsTarget(MOTO_ACCOUNT, "arn:aws:iam::123456789012:user/ci", "eu-west-1", "from x")
    assert target.statement() == (
        "the real hashicorp/aws provider will create resources in AWS account 123456789012 "
        "(as arn:aws:iam::123456789012:user/ci), region eu-west-1 (from x)"
    )


# -- through `batchform test`, with a mirror serving a hashicorp/aws --------------------------


@pytest.fixture
def mirrored(tmp_path: Path, aws_env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """A stack and an environment whose terraform installs "hashicorp/aws" from a mirror."""
    mirror = tmp_path / "mirror"
    install(mirror)
    config = tmp_path / "mirror.tfrc"
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    )
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(STACK)
    subprocess.run(["terraform", "fmt", str(stack)], check=True, capture_output=True)
    work = tmp_path / "t"
    work.mkdir()
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(config), TMPDIR=str(work))
    return stack, env


def batchform_test(
    stack: Path, env: dict[str, str], *args: str, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", "test", str(stack), *args],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.lifecycle
def test_real_provider_with_yes_says_account_and_region_then_applies(
    mirrored: tuple[Path, dict[str, str]],
) -> None:
    stack, env = mirrored
    result = batchform_test(stack, env, "--provider", "aws", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    statement = (
        f"the real hashicorp/aws provider will create resources in AWS account {MOTO_ACCOUNT} "
        f"(as arn:aws:sts::{MOTO_ACCOUNT}:"
    )
    assert statement in result.stdout
    assert "region eu-west-1 (from the stack's provider block): 1 to add" in result.stdout
    lines = result.stdout.splitlines()
    said = next(i for i, line in enumerate(lines) if statement in line)
    assert said < lines.index("  apply        started")
    assert "  destroy      passed" in result.stdout


@pytest.mark.parametrize("mode", ["aws", "registry"])
def test_real_provider_without_yes_or_terminal_is_refused_before_anything_runs(
    mirrored: tuple[Path, dict[str, str]], mode: str
) -> None:
    stack, env = mirrored
    result = batchform_test(stack, env, "--provider", mode)
    assert result.returncode == 2
    assert "creates real, billable AWS resources: pass --yes" in result.stderr
    assert "(nothing was run)" in result.stderr
    assert "fmt" not in result.stdout
    assert os.listdir(env["TMPDIR"]) == []


@pytest.mark.lifecycle
def test_auto_that_finds_the_real_provider_is_refused_before_apply(
    mirrored: tuple[Path, dict[str, str]],
) -> None:
    stack, env = mirrored
    result = batchform_test(stack, env, "--provider", "auto")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"account {MOTO_ACCOUNT}" in result.stderr
    assert "not applied" in result.stderr and "Pass --yes" in result.stderr
    assert "apply" not in result.stdout
    assert "Traceback" not in result.stderr
    assert os.listdir(env["TMPDIR"]) == []


@pytest.mark.lifecycle
@pytest.mark.parametrize(("answer", "code"), [("y", 0), ("n", 2)])
def test_real_provider_asks_on_a_terminal(
    mirrored: tuple[Path, dict[str, str]], answer: str, code: int
) -> None:
    stack, env = mirrored
    controller, terminal = pty.openpty()
    try:
        os.write(controller, f"{answer}\n".encode())
        result = batchform_test(stack, env, "--provider", "aws", stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == code, result.stdout + result.stderr
    assert f"Create these resources in AWS account {MOTO_ACCOUNT}, eu-west-1?" in result.stderr
    if answer == "y":
        assert "  apply        passed" in result.stdout
    else:
        assert "not applied: declined" in result.stderr
        assert "apply" not in result.stdout
    assert os.listdir(env["TMPDIR"]) == []


@pytest.mark.registry
def test_real_provider_lifecycle_against_moto(
    tmp_path: Path, aws_env: dict[str, str], moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from batchform.lifecycle import registry_provider_unavailable, run_lifecycle

    reason = registry_provider_unavailable()
    if reason:
        pytest.skip(f"real hashicorp/aws provider cannot be installed: {reason}")
    # Every service the provider calls goes to moto, never to AWS.
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(STACK)
    report = run_lifecycle(stack, "aws", confirm=lambda target: target.account == MOTO_ACCOUNT)
    assert report.provider == "aws"
    assert report.ok, report.render()


@pytest.mark.lifecycle
def test_ctrl_c_at_the_question_means_no(mirrored: tuple[Path, dict[str, str]]) -> None:
    stack, env = mirrored
    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "batchform", "test", str(stack), "--provider", "aws"],
            env=env,
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stderr is not None and process.stdout is not None
            said = ""
            while "Create these resources" not in said:
                char = process.stderr.read(1)
                assert char, f"no question asked: {said}"
                said += char
            time.sleep(0.2)
            process.send_signal(signal.SIGINT)
            said += process.stderr.read()
            stdout = process.stdout.read()
            assert process.wait(60) == 2, said
    finally:
        os.close(terminal)
        os.close(controller)
    assert "not applied: declined" in said
    assert "apply" not in stdout
    assert os.listdir(env["TMPDIR"]) == []

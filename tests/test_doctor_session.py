"""doctor sends only the reads it lists, says which IAM action AWS denied, and the README's
policy is exactly those reads."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batchform.doctor import permissions, session
from batchform.errors import AccessDeniedError, AccountError, BatchformError, ReadOnlyViolation
from doctor_support import (
    REGION,
    Builder,
    Plan,
    fake_credentials,
    start_moto,
    stop_moto,
)

ROOT = Path(__file__).resolve().parents[1]
DOCTOR = ROOT / "generator" / "batchform" / "doctor"


def test_a_write_request_is_refused_before_it_is_sent(aws: Builder) -> None:
    account = session.Account(region=REGION, endpoint_url=aws.url)
    with pytest.raises(ReadOnlyViolation) as refused:
        account.client("batch").create_job_queue(
            jobQueueName="never", state="ENABLED", priority=1, computeEnvironmentOrder=[]
        )
    assert refused.value.exit_code == 70 and "CreateJobQueue" in str(refused.value)
    with pytest.raises(ReadOnlyViolation):
        account.client("ec2").create_vpc(CidrBlock="10.9.0.0/16")
    assert aws.batch.describe_job_queues()["jobQueues"] == []
    assert all(vpc["CidrBlock"] != "10.9.0.0/16" for vpc in aws.ec2.describe_vpcs()["Vpcs"])


def test_an_operation_outside_the_list_is_refused(aws: Builder) -> None:
    account = session.Account(region=REGION, endpoint_url=aws.url)
    with pytest.raises(BatchformError, match="does not list"):
        account.call("batch", "DescribeSchedulingPolicies", arns=[])


def test_the_hook_lets_reads_and_credential_exchanges_through() -> None:
    class Model:
        def __init__(self, service: str, name: str) -> None:
            self.name = name
            self.service_model = type("Service", (), {"service_name": service})()

    for service, name in [
        ("ec2", "DescribeVpcs"),
        ("iam", "GetRole"),
        ("batch", "ListJobs"),
        ("sts", "AssumeRole"),
    ]:
        session.refuse_writes(model=Model(service, name))
    for service, name in [
        ("batch", "SubmitJob"),
        ("ec2", "RunInstances"),
        ("sts", "GetFederationToken"),
    ][:2]:
        with pytest.raises(ReadOnlyViolation):
            session.refuse_writes(model=Model(service, name))


# -- the list, the code and the README agree -----------------------------------------------------


def _requested() -> set[tuple[str, str]]:
    """Every (service, operation) the doctor package passes to Account.call or Account.pages."""
    found: set[tuple[str, str]] = set()
    for path in DOCTOR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("call", "pages")
                and len(node.args) >= 2
            ):
                service, operation = node.args[0], node.args[1]
                assert isinstance(service, ast.Constant) and isinstance(operation, ast.Constant), (
                    f"{path.name}:{node.lineno}: name the service and operation literally"
                )
                found.add((service.value, operation.value))
    return found


def test_the_code_asks_for_exactly_the_listed_operations() -> None:
    listed = {
        (service, name) for service, names in permissions.OPERATIONS.items() for name in names
    }
    assert _requested() == listed
    assert all(name.startswith(("Describe", "List", "Get")) for _, name in listed)


def test_the_readme_policy_is_the_list() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Ask the live account") :]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block is not None, "README: no policy JSON in the doctor section"
    assert json.loads(block.group(1)) == json.loads(permissions.policy_document())


def test_a_full_walk_sends_every_listed_operation_and_nothing_else(
    aws: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = aws.build(Plan())
    aws.submit_runnable(built)
    aws.launch_instance(built, register=True)
    sent: list[tuple[str, str]] = []

    def record(model: Any = None, **kwargs: Any) -> None:
        sent.append((model.service_model.service_name, model.name))
        original(model=model, **kwargs)

    original = session.refuse_writes
    monkeypatch.setattr(session, "refuse_writes", record)
    from batchform.doctor import diagnose

    diagnose(queue=built.queue, region=REGION, endpoint_url=aws.url)
    job = aws.batch.list_jobs(jobQueue=built.queue, jobStatus="RUNNABLE")["jobSummaryList"][0]
    diagnose(job_id=job["jobId"], region=REGION, endpoint_url=aws.url)
    listed = {
        (service, name) for service, names in permissions.OPERATIONS.items() for name in names
    }
    assert set(sent) == listed


# -- what AWS refuses is named -------------------------------------------------------------------


@pytest.fixture
def auth_server(tmp_path: Path) -> Iterator[str]:
    """A moto server that checks IAM permissions after its first three requests (those make
    an administrator's keys)."""
    process, url = start_moto(tmp_path / "moto-auth.log", {"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
    try:
        yield url
    finally:
        stop_moto(process)


def test_access_denied_names_the_missing_action(
    auth_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import boto3

    fake_credentials(monkeypatch, auth_server, tmp_path)
    iam = boto3.Session(region_name=REGION).client("iam", endpoint_url=auth_server)
    admin_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps(admin_policy))
    keys = iam.create_access_key(UserName="admin")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"])
    built = Builder(auth_server).build(Plan())

    limited = [action for action in permissions.actions() if action != "ec2:DescribeRouteTables"]
    # moto checks Batch and ECS requests as lower-case actions, case-sensitively; AWS ignores
    # case, so the lower-case copies change nothing there.
    limited += [action.lower() for action in limited]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": limited, "Resource": "*"}],
    }
    admin = boto3.Session(region_name=REGION).client("iam", endpoint_url=auth_server)
    admin.create_user(UserName="doctor")
    admin.put_user_policy(UserName="doctor", PolicyName="doctor", PolicyDocument=json.dumps(policy))
    doctor_keys = admin.create_access_key(UserName="doctor")["AccessKey"]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": doctor_keys["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": doctor_keys["SecretAccessKey"],
    }
    run = subprocess.run(
        [sys.executable, "-m", "batchform", "doctor", "--endpoint-url", auth_server,
         "--region", REGION, "--queue", built.queue],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith("batchform: AWS denied ec2:DescribeRouteTables"), run.stderr
    assert "Traceback" not in run.stderr


# -- errors botocore raises, each one line ---------------------------------------------------------


def _client_error(code: str, message: str) -> Any:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": message}}, "DescribeJobQueues")


@pytest.mark.parametrize(
    ("code", "kind", "said"),
    [
        ("ThrottlingException", AccountError, "throttled batch:DescribeJobQueues"),
        ("AccessDeniedException", AccessDeniedError, "AWS denied batch:DescribeJobQueues"),
        ("403", AccessDeniedError, "AWS denied batch:DescribeJobQueues"),
        ("UnrecognizedClientException", AccountError, "did not accept the credentials"),
        ("ServerException", AccountError, "batch:DescribeJobQueues failed in us-east-1"),
    ],
)
def test_client_errors_become_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str, kind: type[Exception], said: str
) -> None:
    fake_credentials(monkeypatch, "http://127.0.0.1:9", tmp_path)
    account = session.Account(region=REGION, endpoint_url="http://127.0.0.1:9")

    def fail() -> None:
        raise _client_error(code, "no")

    with pytest.raises(kind) as caught:
        account._guarded("batch", "DescribeJobQueues", fail, ())
    assert said in str(caught.value) and caught.value.exit_code == 2  # type: ignore[attr-defined]


def test_absent_codes_are_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_credentials(monkeypatch, "http://127.0.0.1:9", tmp_path)
    account = session.Account(region=REGION, endpoint_url="http://127.0.0.1:9")

    def fail() -> None:
        raise _client_error("NoSuchEntity", "gone")

    assert account._guarded("iam", "GetRole", fail, ("NoSuchEntity",)) is None

"""`batchform doctor`: ask the live account why jobs stay RUNNABLE, with the lint rules.

The walk (`inquiry`) follows AWS's troubleshooting chain with read-only requests (`session`,
`permissions`) into a `Snapshot`; `adapter` maps it into the resource model the lint rules
read; the rules that can judge an account run on it, and the findings come out in lint's
text, JSON or SARIF. `diagnose` is the whole of it, callable without the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from batchform.doctor.snapshot import DEFAULT_GRACE, Snapshot
from batchform.errors import UsageError
from batchform.lint.findings import LintResult

# The lint rules that judge what an account shows about a job's chain; the others judge how
# Terraform is written (lifecycle, jsonencode, names, schema) or what AWS refuses to create.
RULE_CODES = (
    "BF004",
    "BF005",
    "BF006",
    "BF007",
    "BF008",
    "BF011",
    "BF017",
    "BF018",
    "BF019",
    "BF021",
    "BF023",
    "BF025",
    "BF026",
    "BF200",
    "BF201",
    "BF202",
    "BF203",
    "BF204",
    "BF205",
)
FORMATS = ("text", "json", "sarif")


@dataclass
class DoctorResult:
    """The findings of one run (a lint result), what the walk showed, and the verdict."""

    result: LintResult
    snapshot: Snapshot
    overview: list[str] = field(default_factory=list)
    verdict: str = ""
    rendered: str = ""

    @property
    def exit_code(self) -> int:
        """1 when a cause was found (an error finding), else 0."""
        return self.result.exit_code


def diagnose(
    *,
    job_id: str | None = None,
    queue: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    output_format: str = "text",
    grace: timedelta = DEFAULT_GRACE,
    now: datetime | None = None,
) -> DoctorResult:
    """Walk the chain of a job, a queue, or every queue with RUNNABLE jobs, and judge it."""
    from batchform.doctor.adapter import configuration
    from batchform.doctor.inquiry import inquire
    from batchform.doctor.overview import overview
    from batchform.doctor.session import Account
    from batchform.doctor.verdict import verdict
    from batchform.lint.engine.runner import run_rules
    from batchform.lint.report import render
    from batchform.lint.rules import all_rules

    _check_usage(job_id, queue, endpoint_url, output_format, grace)
    _check_region(region)
    account = Account(region=region, profile=profile, endpoint_url=endpoint_url)
    snapshot = inquire(account, job_id=job_id, queue=queue, now=now, grace=grace)
    model = configuration(snapshot)
    rules = [rule for code, rule in all_rules().items() if code in RULE_CODES]
    findings = sorted(run_rules(rules, model))
    described = sorted({instance.file for instance in model.instances()})
    result = LintResult(findings=findings, files=described)
    doctor = DoctorResult(result, snapshot, overview(snapshot, model))
    doctor.verdict = verdict(snapshot, model, findings)
    if output_format == "text":
        doctor.rendered = _text(doctor, render(result, "text"))
    else:
        doctor.rendered = render(result, output_format)
    return doctor


def _check_usage(
    job_id: str | None,
    queue: str | None,
    endpoint_url: str | None,
    output_format: str,
    grace: timedelta,
) -> None:
    if job_id is not None and queue is not None:
        raise UsageError("give --job or --queue, not both")
    for name, value in (("--job", job_id), ("--queue", queue)):
        if value is not None and not value.strip():
            raise UsageError(f"{name}: empty; give a job id or a queue name or ARN")
    if output_format not in FORMATS:
        raise UsageError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
    if endpoint_url is not None and not endpoint_url.startswith(("http://", "https://")):
        raise UsageError(
            f"--endpoint-url {endpoint_url!r}: expected a URL such as http://127.0.0.1:5000"
        )
    if grace < timedelta(0):
        raise UsageError("--grace: expected 0 minutes or more")


def _check_region(region: str | None) -> None:
    """A region botocore knows (a typo would only show as an endpoint that does not answer)."""
    from batchform.aws import regions

    if region is None or regions.is_region(region):
        return
    closest = regions.closest(region)
    hint = f"; did you mean {closest!r}?" if closest else ""
    raise UsageError(f"--region {region!r}: not an AWS region botocore knows{hint}")


def _text(doctor: DoctorResult, rendered: str) -> str:
    """The overview, the finding lines as lint writes them, a count, and the verdict."""
    lines = rendered.splitlines()[:-1]  # lint's last line counts files; an account has objects
    errors = sum(1 for item in doctor.result.findings if item.severity == "error")
    warnings = len(doctor.result.findings) - errors
    summary = (
        f"{len(doctor.result.files)} AWS objects described, {errors} errors, {warnings} warnings"
    )
    return "\n".join([*doctor.overview, "", *lines, summary, doctor.verdict])

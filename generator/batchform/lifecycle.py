"""The lifecycle of a stack, step by step: which provider, what each step did, how long it took."""

from __future__ import annotations

import functools
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from batchform.aws import provider
from batchform.errors import (
    BatchformError,
    ProviderUnavailableError,
    TerraformError,
    UsageError,
)
from batchform.harness import DEFAULT_TIMEOUT, Plan, Terraform

ProviderMode = Literal["auto", "offline", "registry"]
# `auto` only probes the registry: a short bound keeps offline machines from hanging.
PROBE_TIMEOUT = 60.0
AWS_PROVIDER = provider.ADDRESS
# What `terraform init` says when it could not get a provider (as opposed to a config error).
PROVIDER_INSTALL_ERROR = re.compile(
    r"Failed to (query available provider packages|install provider|resolve provider packages)"
    r"|could not connect to registry|Incompatible provider version|Provider registry unreachable"
)

STEPS = ("fmt", "init", "validate", "plan", "apply", "idempotency", "output", "destroy")
StepStatus = Literal["passed", "failed", "skipped"]


@dataclass
class Step:
    """One lifecycle step: its name, how it went, how long it took, and what terraform said."""

    name: str
    status: StepStatus
    seconds: float = 0.0
    detail: str = ""


@dataclass
class LifecycleReport:
    """What `run_lifecycle` did: which provider, each step, the outputs and the first plan."""

    stack_dir: Path
    provider: str = "unknown"
    provider_note: str = ""
    steps: list[Step] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    plan: Plan | None = None
    kept: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return self.failed is None

    @property
    def failed(self) -> Step | None:
        """The first failed step, if any."""
        return next((step for step in self.steps if step.status == "failed"), None)

    @property
    def seconds(self) -> float:
        """Time spent in all steps."""
        return sum(step.seconds for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the run."""
        return {
            "stack": str(self.stack_dir),
            "ok": self.ok,
            "provider": self.provider,
            "provider_note": self.provider_note,
            "steps": [
                {
                    "name": s.name,
                    "status": s.status,
                    "seconds": round(s.seconds, 3),
                    "detail": s.detail,
                }
                for s in self.steps
            ],
            "seconds": round(self.seconds, 3),
            "outputs": self.outputs,
            "plan": self.plan.actions() if self.plan else None,
            "kept": str(self.kept) if self.kept else None,
        }

    def render(self) -> str:
        """The human report: provider, one line per step, then the failing step's diagnostic."""
        provider = (
            f"{self.provider} ({self.provider_note})" if self.provider_note else self.provider
        )
        lines = [f"{self.stack_dir}: provider {provider}"]
        lines += [f"  {s.name:<12} {s.status:<8} {s.seconds:6.2f} s" for s in self.steps]
        failed = self.failed
        verdict = f"failed at {failed.name}" if failed else "passed"
        lines.append(f"{verdict} in {self.seconds:.2f} s")
        if failed:
            lines += ["", failed.detail]
        if self.kept:
            lines.append(f"working copy and state kept in {self.kept}")
        return "\n".join(lines)


def run_lifecycle(
    stack_dir: str | Path,
    provider: ProviderMode = "auto",
    keep: bool = False,
    *,
    binary: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> LifecycleReport:
    """Run fmt check, init, validate, plan, apply, idempotency plan, output and destroy on a copy
    of `stack_dir`, stopping at the first failure but always destroying after an apply."""
    if provider not in ("auto", "offline", "registry"):
        raise UsageError(f"provider {provider!r}: expected auto, offline or registry")
    report = LifecycleReport(Path(stack_dir))
    tf = Terraform(
        stack_dir,
        binary=binary,
        timeout=timeout,
        env=_registry_env(),
        # Offline runs ignore the user's CLI config: no mirror, credentials or cache is consulted.
        cli_config="disable_checkpoint = true\n" if provider == "offline" else None,
        keep_lock_file=provider != "offline",
    )

    def step(name: str, action: Any) -> bool:
        started = time.perf_counter()
        try:
            detail = action() or ""
        except BatchformError as error:
            report.steps.append(Step(name, "failed", time.perf_counter() - started, str(error)))
            return False
        report.steps.append(Step(name, "passed", time.perf_counter() - started, str(detail)))
        return True

    def plan() -> str:
        report.plan = tf.plan()
        return report.plan.summary()

    def output() -> str:
        report.outputs = tf.output()
        return ", ".join(report.outputs)

    def init() -> str:
        report.provider, report.provider_note = init_provider(tf, provider)
        return report.provider_note

    ok = step("fmt", tf.fmt_check) and step("init", init) and step("validate", tf.validate)
    ok = ok and step("plan", plan)
    if ok:
        applied = step("apply", lambda: tf.apply(report.plan))
        ok = applied and step("idempotency", tf.check_idempotent) and step("output", output)
        if keep:
            report.steps.append(Step("destroy", "skipped", 0.0, "kept (--keep)"))
        else:
            step("destroy", tf.destroy)
    done = {s.name for s in report.steps}
    report.steps += [Step(name, "skipped") for name in STEPS if name not in done]
    report.kept = tf.close(keep=keep)
    return report


def init_provider(tf: Terraform, provider: ProviderMode) -> tuple[str, str]:
    """Init with the real provider when asked or installable, else the offline one; say which."""
    reason = "offline asked for"
    if provider in ("auto", "registry"):
        try:
            tf.init(timeout=PROBE_TIMEOUT if provider == "auto" else None)
        except TerraformError as error:
            timed_out = error.returncode is None
            if provider == "registry" or not (
                timed_out or PROVIDER_INSTALL_ERROR.search(error.output)
            ):
                raise
            cause = f"no result in {PROBE_TIMEOUT:g} s" if timed_out else _first_error(error.output)
            reason = f"real provider not installable: {cause}"
        else:
            version = _locked_version(tf.workdir / ".terraform.lock.hcl", AWS_PROVIDER)
            if version is None:
                return "builtin", "no external provider needed"
            return "registry", f"real hashicorp/aws {version}"
    plugin_dir = tf.root / "plugins"
    try:
        version = install_offline_provider(plugin_dir)
    except ProviderUnavailableError as error:
        raise ProviderUnavailableError(f"{error} ({reason})") from error
    # A lock file recorded for the real provider would reject the offline one's checksum.
    (tf.workdir / ".terraform.lock.hcl").unlink(missing_ok=True)
    tf.init(plugin_dir=plugin_dir)
    return (
        "offline",
        f"offline hashicorp/aws {version}, checks schema and lifecycle, no AWS; {reason}",
    )


def install_offline_provider(plugin_dir: Path) -> str:
    """Install batchform's offline hashicorp/aws into `plugin_dir`; return its version."""
    try:
        from batchform.provider import install
    except ImportError as error:
        raise ProviderUnavailableError(
            f"the offline provider cannot be loaded ({error}); use --provider registry"
        ) from error
    return str(install(plugin_dir))


_PROBE_CONFIG = f"""\
terraform {{
  required_providers {{
    aws = {{
      source = "{AWS_PROVIDER}"
    }}
  }}
}}
"""


@functools.lru_cache(maxsize=4)
def registry_provider_unavailable(binary: str | None = None) -> str | None:
    """Say why `terraform init` cannot install the real hashicorp/aws here, or None if it can."""
    with tempfile.TemporaryDirectory(prefix="batchform-probe-") as probe:
        Path(probe, "main.tf").write_text(_PROBE_CONFIG)
        with Terraform(
            probe, binary=binary, timeout=PROBE_TIMEOUT, retries=0, env=_registry_env()
        ) as tf:
            try:
                tf.init()
            except TerraformError as error:
                return _first_error(error.output)
    return None


def _registry_env() -> dict[str, str]:
    # Terraform's registry client waits 10 s per request by default; keep probes short.
    return {} if "TF_REGISTRY_CLIENT_TIMEOUT" in os.environ else {"TF_REGISTRY_CLIENT_TIMEOUT": "5"}


def _first_error(output: str) -> str:
    """Terraform's first error as one line: its summary, then the first paragraph of its detail."""
    lines = [line.strip(" │╷╵") for line in output.splitlines()]
    for index, line in enumerate(lines):
        if not line.startswith("Error:"):
            continue
        paragraph: list[str] = []
        for part in lines[index + 1 :]:
            if not part and paragraph:
                break
            if part:
                paragraph.append(part)
        summary = line[len("Error:") :].strip()
        text = f"{summary}: {' '.join(paragraph)}" if paragraph else summary
        return text if len(text) <= 400 else text[:397] + "..."
    return output.strip().splitlines()[-1] if output.strip() else "no output"


def _locked_version(lock_file: Path, provider: str) -> str | None:
    if not lock_file.is_file():
        return None
    match = re.search(
        rf'provider "{re.escape(provider)}" \{{\s*version\s*=\s*"([^"]+)"', lock_file.read_text()
    )
    return match.group(1) if match else None

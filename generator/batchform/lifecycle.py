"""The lifecycle of a stack, step by step: which provider, what each step did, how long it took."""

from __future__ import annotations

import functools
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from batchform.aws import provider
from batchform.errors import (
    ApplyNotConfirmedError,
    BatchformError,
    ProviderUnavailableError,
    TerraformError,
    UsageError,
    ValidationFailedError,
)
from batchform.harness import (
    DEFAULT_TIMEOUT,
    TERRAFORM_SUFFIXES,
    Diagnostic,
    Plan,
    Terraform,
    Validation,
    parse_diagnostics,
)

if TYPE_CHECKING:
    from batchform.identity import AwsTarget
    from batchform.interrupts import Interrupts
    from batchform.provider.launcher import ProviderProcess

ProviderMode = Literal["offline", "aws", "auto", "registry"]
# `registry` is the former name of `aws`; `auto` picks the real one when init can install it.
PROVIDER_MODES: tuple[ProviderMode, ...] = ("offline", "aws", "auto", "registry")
DEFAULT_PROVIDER: ProviderMode = "offline"
# `auto` only probes the registry: a short bound keeps offline machines from hanging.
PROBE_TIMEOUT = 60.0
AWS_PROVIDER = provider.ADDRESS
# What `terraform init` says when it could not get a provider (as opposed to a config error).
PROVIDER_INSTALL_ERROR = re.compile(
    r"Failed to (query available provider packages|install provider|resolve provider packages)"
    r"|could not connect to registry|Incompatible provider version|Provider registry unreachable"
)
# More than one configuration of hashicorp/aws (aliases, or blocks inside modules).
_AWS_PROVIDER_BLOCK = re.compile(r'^\s*provider\s+"?aws"?\s*\{', re.MULTILINE)
_ALIAS = re.compile(r"^\s*alias\s*=", re.MULTILINE)

STEPS = ("fmt", "init", "validate", "plan", "apply", "idempotency", "output", "destroy")
StepStatus = Literal["passed", "failed", "skipped", "interrupted"]
ConfirmApply = Callable[["AwsTarget"], bool]


def provider_mode(value: str) -> ProviderMode:
    """The provider mode named by `value`, with `registry` read as `aws`; UsageError otherwise."""
    for mode in PROVIDER_MODES:
        if value == mode:
            return "aws" if mode == "registry" else mode
    raise UsageError(
        f"provider {value!r}: expected offline, aws or auto (registry is another name for aws)"
    )


@dataclass
class Step:
    """One lifecycle step: its name, how it went, how long it took, and what terraform said."""

    name: str
    status: StepStatus
    seconds: float = 0.0
    detail: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def line(self) -> str:
        """The step as the report prints it: name, status, seconds."""
        return f"  {self.name:<12} {self.status:<11} {self.seconds:6.2f} s"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {
            "name": self.name,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
            "diagnostics": [diagnostic.to_dict() for diagnostic in self.diagnostics],
        }


class Progress:
    """What run_lifecycle tells while it runs; this base class says nothing."""

    def step_started(self, name: str) -> None:
        """A step begins."""

    def step_finished(self, step: Step) -> None:
        """A step ended (passed, failed or interrupted)."""

    def note(self, message: str) -> None:
        """Something worth saying between steps: the provider chosen, the account, a kept copy."""


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
    account: str | None = None
    interrupted: str | None = None
    destroy_command: str | None = None

    @property
    def ok(self) -> bool:
        """True when no step failed and nothing interrupted the run."""
        return self.failed is None and self.interrupted is None

    @property
    def failed(self) -> Step | None:
        """The first failed (or interrupted) step, if any."""
        return next((s for s in self.steps if s.status in ("failed", "interrupted")), None)

    @property
    def seconds(self) -> float:
        """Time spent in all steps."""
        return sum(step.seconds for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the run: plain strings, numbers, lists and objects."""
        return {
            "stack": str(self.stack_dir),
            "ok": self.ok,
            "provider": self.provider,
            "provider_note": self.provider_note,
            "account": self.account,
            "steps": [step.to_dict() for step in self.steps],
            "seconds": round(self.seconds, 3),
            "outputs": self.outputs,
            "plan": self.plan.actions() if self.plan else None,
            "interrupted": self.interrupted,
            "kept": str(self.kept) if self.kept else None,
            "destroy_command": self.destroy_command,
        }

    def header(self) -> str:
        """The report's first line: the stack and its provider."""
        provider = (
            f"{self.provider} ({self.provider_note})" if self.provider_note else self.provider
        )
        return f"{self.stack_dir}: provider {provider}"

    def render(self) -> str:
        """The human report: provider, one line per step, then the failing step's diagnostic."""
        return "\n".join([self.header(), self.render_tail(shown=())])

    def render_tail(self, shown: Iterable[str]) -> str:
        """The report after the steps already `shown` by name: the other steps, the verdict, the
        failing step's diagnostic, and where a kept working copy is."""
        done = set(shown)
        lines = [step.line() for step in self.steps if step.name not in done]
        failed = self.failed
        if self.interrupted:
            where = f" at {failed.name}" if failed else ""
            verdict = f"interrupted ({self.interrupted}){where}"
        else:
            verdict = f"failed at {failed.name}" if failed else "passed"
        lines.append(f"{verdict} in {self.seconds:.2f} s")
        if failed and failed.detail and not self.interrupted:
            lines += ["", failed.detail]
        if self.kept:
            lines.append(f"working copy and state kept in {self.kept}")
            if self.destroy_command:
                lines.append(f"destroy what it holds with: {self.destroy_command}")
        return "\n".join(lines)


def run_lifecycle(
    stack_dir: str | Path,
    provider: ProviderMode = DEFAULT_PROVIDER,
    keep: bool = False,
    *,
    binary: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    confirm: ConfirmApply | None = None,
    interrupts: Interrupts | None = None,
    offline_provider: ProviderProcess | None = None,
) -> LifecycleReport:
    """Run fmt check, init, validate, plan, apply, idempotency plan, output and destroy on a copy
    of `stack_dir`, stopping at the first failure but always destroying after an apply.

    With the real provider, `confirm` is asked before apply (with the account and region); no
    `confirm`, or a False answer, raises ApplyNotConfirmedError before anything is created.
    `interrupts`, when installed by the caller, turns SIGINT/SIGTERM into a graceful stop of
    terraform and a destroy (see interrupts.py). `offline_provider` is a running provider
    process to reattach to instead of starting one for this run.
    """
    mode = provider_mode(provider)
    tf = Terraform(
        stack_dir,
        binary=binary,
        timeout=timeout,
        env=_registry_env(),
        # Offline runs ignore the user's CLI config: no mirror, credentials or cache is consulted.
        cli_config="disable_checkpoint = true\n" if mode == "offline" else None,
        keep_lock_file=mode != "offline",
    )
    run = _Run(tf, LifecycleReport(Path(stack_dir)), mode, keep)
    run.progress = progress or Progress()
    run.confirm = confirm
    run.offline_provider = offline_provider
    if interrupts is not None:
        tf.interrupts = run.interrupts = interrupts
        interrupts.describe = run.describe_interrupt
    try:
        run.run()
    except BaseException as error:
        # Something unplanned (a KeyboardInterrupt without `interrupts`) after apply began:
        # the state is all that knows what exists, so it stays.
        if run.applying:
            run.keep_for_retry = True
            error.add_note(f"working copy and state kept; destroy with: {tf.destroy_command()}")
        raise
    finally:
        run.report.kept = tf.close(keep=keep or run.keep_for_retry)
    return run.report


class _Run:
    """One lifecycle in progress: the steps, interrupts and the destroy owed after an apply."""

    def __init__(self, tf: Terraform, report: LifecycleReport, mode: ProviderMode, keep: bool):
        self.tf = tf
        self.report = report
        self.mode = mode
        self.keep = keep
        self.progress = Progress()
        self.confirm: ConfirmApply | None = None
        self.interrupts: Interrupts | None = None
        self.offline_provider: ProviderProcess | None = None
        self.current = ""
        # From the start of apply on, resources may exist: a destroy is owed.
        self.applying = False
        self.keep_for_retry = False

    @property
    def interrupted(self) -> int:
        """How many interrupts arrived so far."""
        return self.interrupts.count if self.interrupts else 0

    def run(self) -> None:
        """Every step in order; the destroy whenever apply began."""
        tf = self.tf
        ok = (
            self.step("fmt", tf.fmt_check)
            and self.step("init", self.init)
            and self.step("validate", tf.validate)
            and self.step("plan", self.plan)
        )
        if ok and not self.interrupted:
            self.confirm_real_account()
        if ok and not self.interrupted:
            self.applying = True
            applied = self.step("apply", lambda: _last_line(tf.apply(self.report.plan), "Apply"))
            if applied and self.step("idempotency", tf.check_idempotent):
                self.step("output", self.output)
        if self.applying:
            self.finish()
        if self.interrupts is not None and self.interrupted:
            self.report.interrupted = self.interrupts.signal_name
        done = {step.name for step in self.report.steps}
        self.report.steps += [Step(name, "skipped") for name in STEPS if name not in done]
        self.report.steps.sort(key=lambda step: STEPS.index(step.name))

    def step(self, name: str, action: Callable[[], object], *, always: bool = False) -> bool:
        """Run one step unless interrupted (or `always`); record and announce it."""
        if self.interrupted and not always:
            return False
        self.current = name
        self.progress.step_started(name)
        started = time.perf_counter()
        try:
            detail = action()
        except BatchformError as error:
            status: StepStatus = "interrupted" if self.interrupted else "failed"
            step = Step(
                name, status, time.perf_counter() - started, str(error), _diagnostics_of(error)
            )
        else:
            seconds = time.perf_counter() - started
            if isinstance(detail, Validation):
                step = Step(name, "passed", seconds, detail.summary(), list(detail.diagnostics))
            else:
                step = Step(name, "passed", seconds, "" if detail is None else str(detail))
        self.report.steps.append(step)
        self.progress.step_finished(step)
        return step.status == "passed"

    def init(self) -> str:
        report = self.report
        shared = self.offline_provider
        report.provider, report.provider_note = init_provider(
            self.tf, self.mode, shared=(lambda: shared) if shared is not None else None
        )
        self.progress.note(f"provider {report.provider}: {report.provider_note}")
        return report.provider_note

    def plan(self) -> str:
        self.report.plan = self.tf.plan()
        return self.report.plan.summary()

    def output(self) -> str:
        self.report.outputs = self.tf.output()
        return ", ".join(self.report.outputs)

    def confirm_real_account(self) -> None:
        """With the real provider: say where resources go and ask; refuse unless confirmed."""
        if self.report.provider != "aws" or self.report.plan is None:
            return
        from batchform.identity import aws_target

        target = aws_target(self.report.plan.raw)
        self.report.account = target.statement()
        self.progress.note(f"{target.statement()}: {self.report.plan.summary()}")
        if self.confirm is None:
            raise ApplyNotConfirmedError(
                f"{self.report.stack_dir}: not applied: {target.statement()}, and nobody "
                "confirmed it. Pass --yes, or run on a terminal and answer the question"
            )
        if not self.confirm(target):
            raise ApplyNotConfirmedError(f"{self.report.stack_dir}: not applied: declined")

    def finish(self) -> None:
        """The destroy owed after apply, unless kept or skipped by a second interrupt."""
        if self.keep:
            self.report.steps.append(Step("destroy", "skipped", detail="kept (--keep)"))
            return
        if self.interrupted >= 2:
            self.report.steps.append(Step("destroy", "skipped", detail="second interrupt"))
            self.keep_for_retry = True
        else:
            if self.interrupted:
                self.progress.note("terraform stopped; destroying what the run created")
            if self.step("destroy", self.tf.destroy, always=True):
                return
            self.keep_for_retry = True
        self.report.destroy_command = self.tf.destroy_command()

    def describe_interrupt(self, count: int) -> str | None:
        """What to print for the count-th interrupt (called from the signal handler)."""
        name = self.interrupts.signal_name if self.interrupts else "interrupt"
        during = f" during {self.current}" if self.current else ""
        if count == 1 and self.applying and not self.keep:
            return (
                f"{name}{during}: asking terraform to stop; it keeps its state, then destroy "
                "removes what was created. Interrupt again to skip destroy and keep the copy."
            )
        if count == 1:
            return f"{name}{during}: asking terraform to stop; nothing to destroy."
        if count == 2 and self.applying and not self.keep:
            return (
                f"second {name}: destroy skipped (or stopped); the working copy and its state "
                "are kept, with the command that destroys them"
            )
        if count >= 3:
            return f"{name} again: terraform is told to exit at once; its state may miss a change"
        return None


def _diagnostics_of(error: BatchformError) -> list[Diagnostic]:
    if isinstance(error, ValidationFailedError):
        return [d for d in error.diagnostics if isinstance(d, Diagnostic)]
    if isinstance(error, TerraformError):
        found = parse_diagnostics(error.output)
        if found:
            return found
    first, _, rest = str(error).partition("\n")
    return [Diagnostic("error", first, rest.strip())]


def _last_line(output: str, prefix: str) -> str:
    """Terraform's closing line starting with `prefix` ("Apply complete! Resources: ..."), if any."""
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith(prefix)]
    return lines[-1] if lines else ""


def init_provider(
    tf: Terraform,
    provider: ProviderMode,
    *,
    shared: Callable[[], ProviderProcess] | None = None,
) -> tuple[str, str]:
    """Init with the real provider when asked (or, for `auto`, installable), else the offline
    one; say which. The offline one runs as one process for every command after init: the one
    `shared()` returns when given, else one started for `tf` (unless per_command_reason says otherwise)."""
    mode = provider_mode(provider)
    reason = "offline asked for"
    if mode in ("auto", "aws"):
        try:
            tf.init(timeout=PROBE_TIMEOUT if mode == "auto" else None)
        except TerraformError as error:
            timed_out = error.returncode is None
            if mode == "aws" or not (timed_out or PROVIDER_INSTALL_ERROR.search(error.output)):
                raise
            cause = f"no result in {PROBE_TIMEOUT:g} s" if timed_out else _first_error(error.output)
            reason = f"real provider not installable: {cause}"
        else:
            version = _locked_version(tf.workdir / ".terraform.lock.hcl", AWS_PROVIDER)
            if version is None:
                return "builtin", "no external provider needed"
            return "aws", f"real hashicorp/aws {version}: creates real resources"
    plugin_dir = tf.root / "plugins"
    try:
        version = install_offline_provider(plugin_dir)
    except ProviderUnavailableError as error:
        raise ProviderUnavailableError(f"{error} ({reason})") from error
    # A lock file recorded for the real provider would reject the offline one's checksum.
    (tf.workdir / ".terraform.lock.hcl").unlink(missing_ok=True)
    per_command = per_command_reason(tf.workdir)
    if per_command is None and shared is None and _mentions_aws(tf.workdir):
        # Launched now, it gets ready while init runs.
        tf.start_offline_provider()
    tf.init(plugin_dir=plugin_dir)
    if _locked_version(tf.workdir / ".terraform.lock.hcl", AWS_PROVIDER) is None:
        tf.stop_offline_provider()
        return "builtin", "no external provider needed"
    if per_command is not None:
        processes = f"a provider process per terraform command ({per_command})"
    else:
        if shared is None and not tf.has_offline_provider():
            tf.start_offline_provider()
        tf.attach_provider(shared() if shared is not None else tf.offline_provider())
        processes = "one provider process for every command"
    return (
        "offline",
        f"offline hashicorp/aws {version}, checks schema and lifecycle, no AWS; {reason}; "
        f"{processes}",
    )


def per_command_reason(workdir: Path) -> str | None:
    """Why terraform should start the offline provider per command instead of reattaching
    every command to one process, or None: $BATCHFORM_PROVIDER_REATTACH=0, or more than one
    hashicorp/aws configuration (each needs a process of its own, as terraform gives them)."""
    from batchform.provider.launcher import REATTACH_ENV, reattach_wanted

    if not reattach_wanted():
        return f"{REATTACH_ENV}=0"
    if aws_provider_configurations(workdir) > 1:
        return "more than one aws provider configuration"
    return None


def _configuration_files(workdir: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(workdir.rglob("*")):
        if ".terraform" in path.parts or not path.name.endswith(TERRAFORM_SUFFIXES):
            continue
        if path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")


def _mentions_aws(workdir: Path) -> bool:
    """False when no configuration file says `aws` at all: no provider process to launch."""
    return any("aws" in text for _, text in _configuration_files(workdir))


def aws_provider_configurations(workdir: Path) -> int:
    """How many hashicorp/aws provider configurations the tree may hold (an upper bound: an
    alias or a JSON provider block counts as one more)."""
    count = 0
    for path, text in _configuration_files(workdir):
        if path.name.endswith(".json"):
            count += 2 if '"provider"' in text else 0
            continue
        count += len(_AWS_PROVIDER_BLOCK.findall(text)) + len(_ALIAS.findall(text))
    return count


def install_offline_provider(plugin_dir: Path) -> str:
    """Install batchform's offline hashicorp/aws into `plugin_dir`; return its version."""
    try:
        from batchform.provider import install
    except ImportError as error:
        raise ProviderUnavailableError(
            f"the offline provider cannot be loaded ({error}); use --provider aws"
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

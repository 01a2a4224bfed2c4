"""The one error hierarchy of batchform; the CLI maps each class to an exit code."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class BatchformError(Exception):
    """Base class: every error batchform raises on purpose derives from it."""

    exit_code = 1


class UsageError(BatchformError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


@dataclass(frozen=True)
class SpecProblem:
    """One thing wrong in a spec: where it is, what is wrong, what would be right."""

    field: str
    message: str
    line: int | None = None

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.field or '(top level)'}: {self.message}"


class SpecError(BatchformError):
    """The spec file cannot be read or does not describe a valid stack."""

    exit_code = 2

    def __init__(self, source: str | Path, problems: Sequence[SpecProblem]) -> None:
        self.source = str(source)
        self.problems = list(problems)
        super().__init__("\n".join(problem.render(self.source) for problem in self.problems))


class EditedFilesError(BatchformError):
    """Regeneration would overwrite or delete files someone edited by hand."""

    exit_code = 3

    def __init__(
        self, out_dir: Path, paths: Sequence[str], *, foreign: Sequence[str] = ()
    ) -> None:
        self.out_dir = out_dir
        self.paths = list(paths)
        self.foreign = list(foreign)
        text = ""
        if self.paths:
            listing = "\n".join(f"  {path}" for path in self.paths)
            text += f"{out_dir}: these generated files were edited since batchform wrote them:\n"
            text += f"{listing}\n"
        if self.foreign:
            listing = "\n".join(f"  {path}" for path in self.foreign)
            text += f"{out_dir}: these files are in the way and were not written by batchform:\n"
            text += f"{listing}\n"
        super().__init__(
            text + "Move the change into the spec or into a Terraform override file (such as "
            "main_override.tf, which batchform never touches), or re-run with --force to "
            "overwrite them."
        )


class DriftError(BatchformError):
    """`generate --check` found the tree differs from what the spec produces. The message is
    one line; `diff` is the unified diff from the tree to what the spec generates."""

    exit_code = 1

    def __init__(self, summary: str, diff: str) -> None:
        self.diff = diff
        super().__init__(summary)


class LockedError(UsageError):
    """Another batchform run holds the stack directory's lock and did not finish in time."""

    def __init__(self, out_dir: Path, pid: str | None, waited: float) -> None:
        self.out_dir = out_dir
        self.pid = pid
        holder = f"pid {pid}" if pid else "pid unknown"
        super().__init__(
            f"{out_dir}: locked by another batchform run ({holder}); waited {waited:g} s for "
            "it to finish. Run again when it has."
        )


class PlanFileError(UsageError):
    """A --plan file that is not the JSON `terraform show -json PLANFILE` writes."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(
            f"{path}: {problem}; make one with `terraform plan -out tfplan` and "
            "`terraform show -json tfplan > plan.json`"
        )


class StackWriteError(BatchformError):
    """The stack directory could not be read or written; whatever was begun is undone."""

    exit_code = 2

    def __init__(self, out_dir: str, step: str, error: OSError) -> None:
        self.out_dir = out_dir
        reason = error.strerror or str(error)
        super().__init__(f"{out_dir}: {reason} while {step}; nothing was changed")


class RoundTripError(BatchformError):
    """Generated text failed its own parse-back check: a bug in batchform, never written out."""

    exit_code = 70

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(
            f"{where}: {message}\n"
            "This is a bug in batchform; nothing was written. Please report it with your spec."
        )


class HclParseError(BatchformError):
    """A Terraform file could not be parsed."""

    exit_code = 2

    def __init__(
        self, path: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.detail = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: cannot parse: {message}")


class TerraformError(BatchformError):
    """A terraform command failed; carries the command, its exit code and its output."""

    exit_code = 1

    def __init__(self, command: Sequence[str], returncode: int | None, output: str) -> None:
        self.command = list(command)
        self.returncode = returncode
        self.output = output
        tail = "\n".join(output.rstrip().splitlines()[-40:])
        status = "timed out" if returncode is None else f"exited {returncode}"
        super().__init__(f"`{' '.join(self.command)}` {status}:\n{tail}")


class ValidationFailedError(TerraformError):
    """`terraform validate` found errors; carries them as the harness's Diagnostic objects."""

    def __init__(
        self,
        command: Sequence[str],
        returncode: int | None,
        rendered: str,
        diagnostics: Sequence[object],
    ) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__(command, returncode, rendered)


class IdempotencyError(TerraformError):
    """A plan right after apply still wants changes: the configuration does not converge."""

    def __init__(self, command: Sequence[str], changed: dict[str, str], output: str) -> None:
        self.changed = dict(changed)
        listing = "\n".join(f"  {address}: {action}" for address, action in self.changed.items())
        super().__init__(command, 2, f"{output}\nnot idempotent; a second plan would change:\n{listing}")


class DestroyFailedError(TerraformError):
    """`terraform destroy` failed; the working copy and its state are kept for a retry."""

    def __init__(
        self, command: Sequence[str], returncode: int | None, output: str, kept: Path
    ) -> None:
        self.kept = kept
        retry = " ".join(shlex.quote(part) for part in command)
        super().__init__(
            command,
            returncode,
            f"{output}\nstate kept in {kept / 'stack'}; retry with: "
            f"cd {kept / 'stack'} && TF_DATA_DIR={kept / 'data'} {retry}",
        )


class ProviderUnavailableError(BatchformError):
    """The provider a lifecycle run asked for cannot be installed."""

    exit_code = 2


class LifecycleError(BatchformError):
    """`batchform test` stopped at a failing step; the report says which and why."""

    exit_code = 1


class ApplyNotConfirmedError(UsageError):
    """The real provider would create resources and nobody confirmed it (no --yes, no answer)."""


class InterruptedRunError(BatchformError):
    """SIGINT or SIGTERM stopped the run; the exit code is 128 + the signal's number."""

    def __init__(self, message: str, exit_code: int) -> None:
        self.exit_code = exit_code
        super().__init__(message)


class TerraformNotFoundError(BatchformError):
    """No terraform (or tofu) binary could be found."""

    exit_code = 2


class AccountError(BatchformError):
    """`batchform doctor` could not ask AWS what it needs: no credentials or region, an
    endpoint that does not answer, a request AWS refused, a job or queue that does not exist."""

    exit_code = 2


class AccessDeniedError(AccountError):
    """AWS refused a read doctor needs; names the IAM action to allow."""

    def __init__(self, action: str, detail: str) -> None:
        self.action = action
        super().__init__(
            f"AWS denied {action}: {detail}. Allow {action} to the identity doctor runs as "
            "(README: `batchform doctor` lists every action it needs, as a ready policy)"
        )


class ReadOnlyViolation(BatchformError):
    """doctor was about to send a request that is not a Describe, List or Get: a bug."""

    exit_code = 70

    def __init__(self, service: str, operation: str) -> None:
        self.operation = f"{service}:{operation}"
        super().__init__(
            f"refused to send {service} {operation}: batchform doctor sends only Describe, "
            "List and Get requests. This is a bug in batchform; please report it."
        )

"""Drive the real terraform binary through a stack's lifecycle on a throwaway copy of the stack."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from batchform.errors import (
    DestroyFailedError,
    IdempotencyError,
    TerraformError,
    TerraformNotFoundError,
    UsageError,
)

OptionValue = str | int | float | bool | Path | Mapping[str, Any] | Sequence[str] | None

DEFAULT_TIMEOUT = 600.0
# Written into offline working copies only; never into a stack directory.
OFFLINE_BACKEND_OVERRIDE = "zz_batchform_offline_backend_override.tf"
_LOCAL_BACKEND = 'terraform {\n  backend "local" {}\n}\n'

# Command-line options each subcommand takes, beyond the positional ones: `-input=false` and
# `-no-color` are always added where the subcommand accepts them.
_OPTIONS: dict[str, dict[str, str]] = {
    "init": {
        "plugin_dir": "-plugin-dir={}",
        "backend": "-backend={}",
        "upgrade": "-upgrade",
        "lockfile": "-lockfile={}",
        "get": "-get={}",
    },
    "validate": {},
    "plan": {
        "out": "-out={}",
        "detailed_exitcode": "-detailed-exitcode",
        "destroy": "-destroy",
        "refresh": "-refresh={}",
        "parallelism": "-parallelism={}",
        "lock": "-lock={}",
        "vars": "-var={}",
        "var_files": "-var-file={}",
    },
    "show": {"path": "{}"},
    "apply": {
        "plan_file": "{}",
        "parallelism": "-parallelism={}",
        "lock": "-lock={}",
        "vars": "-var={}",
        "var_files": "-var-file={}",
    },
    "output": {"name": "{}"},
    "destroy": {
        "parallelism": "-parallelism={}",
        "lock": "-lock={}",
        "vars": "-var={}",
        "var_files": "-var-file={}",
    },
    "state list": {"addresses": "{}"},
    "fmt": {"recursive": "-recursive"},
}
_INPUT_FALSE = {"init", "plan", "apply", "destroy"}
_NO_COLOR = {"init", "validate", "plan", "show", "apply", "output", "destroy", "fmt"}
_JSON = {"validate", "show", "output"}
_FIXED = {
    "apply": ["-auto-approve"],
    "destroy": ["-auto-approve"],
    "fmt": ["-check", "-diff"],
}

# Messages terraform prints when a download or a registry call failed for a reason that may be
# gone on the next try; anything else (a DNS miss when offline, a bad config) fails at once.
TRANSIENT_ERRORS = tuple(
    re.compile(pattern)
    for pattern in (
        r"TLS handshake timeout",
        r"i/o timeout",
        r"connection reset by peer",
        r"Client\.Timeout exceeded",
        r"context deadline exceeded",
        r"registry service is unreachable",
        r"(?s)Failed to install provider.*unexpected EOF",
        r"(?s)Error while installing .*\b(500|502|503|504)\b",
        r"timeout while waiting for plugin to start",
        r"timed out waiting for server handshake",
    )
)
_RETRIED = {"init", "validate", "plan", "show", "output", "destroy"}


def build_args(command: str, **options: OptionValue) -> list[str]:
    """Return terraform's argument list for `command` and its options (no binary, no I/O)."""
    known = _OPTIONS.get(command)
    if known is None:
        raise UsageError(
            f"terraform command {command!r} is not supported; use one of {sorted(_OPTIONS)}"
        )
    args = command.split()
    if command in _INPUT_FALSE:
        args.append("-input=false")
    if command in _NO_COLOR:
        args.append("-no-color")
    if command in _JSON:
        args.append("-json")
    args.extend(_FIXED.get(command, []))
    positional: list[str] = []
    for name, value in options.items():
        template = known.get(name)
        if template is None:
            raise UsageError(
                f"terraform {command}: unknown option {name!r}; expected one of {sorted(known)}"
            )
        if value is None or (value is False and "{}" not in template):
            continue
        target = positional if template == "{}" else args
        target.extend(_render_option(template, value))
    return args + positional


def _render_option(template: str, value: OptionValue) -> list[str]:
    if "{}" not in template:
        return [template]
    if isinstance(value, bool):
        return [template.format(str(value).lower())]
    if isinstance(value, Mapping):
        return [template.format(f"{key}={_hcl_value(item)}") for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [template.format(item) for item in value]
    return [template.format(value)]


def _hcl_value(value: Any) -> str:
    # Terraform reads `-var` values of complex types as HCL, of which JSON is a subset.
    if isinstance(value, str):
        return value
    return json.dumps(value)


def find_terraform(binary: str | None = None) -> str:
    """Return the terraform binary to run: `binary`, else $TERRAFORM, else terraform or tofu."""
    candidates = [binary] if binary else []
    if os.environ.get("TERRAFORM"):
        candidates.append(os.environ["TERRAFORM"])
    if not candidates:
        candidates = ["terraform", "tofu"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise TerraformNotFoundError(
        f"no terraform binary found (tried {', '.join(candidates)}); install terraform or "
        "OpenTofu, or set TERRAFORM to its path"
    )


@dataclass(frozen=True)
class ResourceChange:
    """One entry of a plan's `resource_changes`: an address and what terraform will do to it."""

    address: str
    type: str
    mode: str
    actions: tuple[str, ...]
    before: Any = None
    after: Any = None
    after_unknown: Any = None
    replace_paths: tuple[Any, ...] = ()

    @property
    def action(self) -> str:
        """One word for the change: create, update, delete, replace, read or no-op."""
        if set(self.actions) == {"create", "delete"}:
            return "replace"
        return self.actions[0] if len(self.actions) == 1 else "+".join(self.actions)

    @property
    def create_before_destroy(self) -> bool:
        """True for a replacement that creates the new object before destroying the old one."""
        return self.actions == ("create", "delete")


@dataclass(frozen=True)
class Plan:
    """A saved plan as `terraform show -json` describes it, indexed by resource address."""

    changes: dict[str, ResourceChange]
    output_changes: dict[str, tuple[str, ...]]
    raw: dict[str, Any] = field(repr=False)
    path: Path | None = None

    @classmethod
    def from_json(cls, document: Mapping[str, Any], path: Path | None = None) -> Plan:
        """Build a Plan from the parsed output of `terraform show -json PLANFILE`."""
        changes = {}
        for entry in document.get("resource_changes") or []:
            change = entry.get("change") or {}
            changes[entry["address"]] = ResourceChange(
                address=entry["address"],
                type=entry["type"],
                mode=entry.get("mode", "managed"),
                actions=tuple(change.get("actions") or ("no-op",)),
                before=change.get("before"),
                after=change.get("after"),
                after_unknown=change.get("after_unknown"),
                replace_paths=tuple(change.get("replace_paths") or ()),
            )
        outputs = {
            name: tuple(change.get("actions") or ())
            for name, change in (document.get("output_changes") or {}).items()
        }
        return cls(changes=changes, output_changes=outputs, raw=dict(document), path=path)

    def __getitem__(self, address: str) -> ResourceChange:
        return self.changes[address]

    def __contains__(self, address: object) -> bool:
        return address in self.changes

    def actions(self, *, include_reads: bool = False) -> dict[str, str]:
        """Map each managed resource address (and data sources if asked) to its action."""
        return {
            address: change.action
            for address, change in sorted(self.changes.items())
            if include_reads or change.mode == "managed"
        }

    def changed(self) -> list[str]:
        """Addresses of managed resources the plan would create, update, replace or delete."""
        return [address for address, action in self.actions().items() if action != "no-op"]

    def of_type(self, resource_type: str) -> list[ResourceChange]:
        """Every change to resources of one type, by address."""
        return [
            change for _, change in sorted(self.changes.items()) if change.type == resource_type
        ]

    def summary(self) -> str:
        """Terraform's own counting: N to add, N to change, N to destroy."""
        add = change = destroy = 0
        for change_ in self.changes.values():
            if change_.mode != "managed":
                continue
            add += "create" in change_.actions
            change += "update" in change_.actions
            destroy += "delete" in change_.actions
        return f"{add} to add, {change} to change, {destroy} to destroy"


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic of `terraform validate -json`, rendered the way terraform prints it."""

    severity: str
    summary: str
    detail: str = ""
    filename: str | None = None
    line: int | None = None
    code: str | None = None

    def render(self) -> str:
        """Terraform's human layout: severity, summary, where, the offending line, detail."""
        text = f"{self.severity.capitalize()}: {self.summary}"
        if self.filename:
            text += f"\n\n  on {self.filename} line {self.line}:"
            if self.code is not None:
                text += f"\n  {self.line}: {self.code.strip()}"
        if self.detail:
            text += f"\n\n{self.detail}"
        return text


@dataclass(frozen=True)
class Validation:
    """The parsed result of `terraform validate -json`."""

    valid: bool
    diagnostics: list[Diagnostic]

    def render(self) -> str:
        """All diagnostics in terraform's human layout."""
        return "\n\n".join(diagnostic.render() for diagnostic in self.diagnostics)


def _diagnostics(document: Mapping[str, Any]) -> list[Diagnostic]:
    found = []
    for item in document.get("diagnostics") or []:
        where = item.get("range") or {}
        snippet = item.get("snippet") or {}
        found.append(
            Diagnostic(
                severity=item.get("severity", "error"),
                summary=item.get("summary", ""),
                detail=item.get("detail", ""),
                filename=where.get("filename"),
                line=(where.get("start") or {}).get("line"),
                code=snippet.get("code"),
            )
        )
    return found


def _clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    # TF_CLI_ARGS* would inject arguments the harness did not choose; TF_LOG* floods the output.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TF_LOG", "TF_CLI_ARGS", "TF_DATA_DIR", "TF_WORKSPACE"))
    }
    env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
    env.update(extra or {})
    return env


def _copy_ignore(keep_lock_file: bool, exclude: Path) -> Any:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {".terraform", ".git"}
        if not keep_lock_file:
            skipped.add(".terraform.lock.hcl")
        return {
            name
            for name in names
            if name in skipped
            or name.endswith((".tfstate", ".tfstate.backup", ".tfplan"))
            # The working copy itself, when the temporary directory lies inside the source.
            or Path(directory, name) == exclude
        }

    return ignore


class Terraform:
    """The terraform binary run on a private copy of one stack, with its own data dir and state."""

    def __init__(
        self,
        source_dir: str | Path,
        *,
        binary: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 2,
        env: Mapping[str, str] | None = None,
        cli_config: str | None = None,
        keep_lock_file: bool = True,
        work_root: str | Path | None = None,
    ) -> None:
        self.source_dir = Path(source_dir).resolve()
        if not self.source_dir.is_dir():
            raise UsageError(f"{source_dir}: not a directory with a Terraform configuration")
        self.binary = find_terraform(binary)
        self.timeout = timeout
        self.retries = retries
        self.root = Path(tempfile.mkdtemp(prefix="batchform-", dir=work_root))
        self.workdir = self.root / "stack"
        shutil.copytree(
            self.source_dir, self.workdir, ignore=_copy_ignore(keep_lock_file, self.root)
        )
        self.data_dir = self.root / "data"
        self.env = _clean_environment(env)
        self.env["TF_DATA_DIR"] = str(self.data_dir)
        self._use_cli_config(cli_config)
        self.applied = False
        self.state_kept = False
        self._plans = 0
        self._plan_vars: dict[Path, dict[str, Any]] = {}
        self.vars: dict[str, Any] = {}
        self.plugin_dir: Path | None = None

    def _use_cli_config(self, text: str | None) -> None:
        user_file = self.env.get("TF_CLI_CONFIG_FILE")
        if text is None and user_file and Path(user_file).is_file():
            return
        if text is None and not user_file and (Path.home() / ".terraformrc").is_file():
            return
        # Either a config was asked for, or the one named does not exist (terraform warns on
        # every command then): write our own.
        path = self.root / "terraformrc"
        path.write_text(text if text is not None else "disable_checkpoint = true\n")
        self.env["TF_CLI_CONFIG_FILE"] = str(path)

    # -- the one place a subprocess is started -------------------------------------------------

    def execute(
        self, args: Sequence[str], *, ok_codes: Sequence[int] = (0,), timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run terraform with `args` in the working copy; raise TerraformError unless it succeeds."""
        retries_left = self.retries if args and args[0] in _RETRIED else 0
        while True:
            result = self._run_once(args, timeout if timeout is not None else self.timeout)
            if result.returncode in ok_codes:
                return result
            output = _combined(result)
            if not retries_left or not any(p.search(output) for p in TRANSIENT_ERRORS):
                raise TerraformError([Path(self.binary).name, *args], result.returncode, output)
            retries_left -= 1
            time.sleep(1.0)

    def _run_once(self, args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
        command = [self.binary, *args]
        # A session of its own, so a timeout can end terraform and the providers it started.
        process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stdout, stderr = _stop(process)
            output = f"{stdout}{stderr}\n(no result after {timeout:g} s; stopped)"
            raise TerraformError([Path(self.binary).name, *args], None, output) from None
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

    def run(self, command: str, *, ok_codes: Sequence[int] = (0,), **options: OptionValue) -> str:
        """Run any supported subcommand with options as build_args takes them; return stdout."""
        return self.execute(build_args(command, **options), ok_codes=ok_codes).stdout

    # -- subcommands ---------------------------------------------------------------------------

    def init(self, *, plugin_dir: str | Path | None = None, timeout: float | None = None) -> str:
        """`terraform init`, from `plugin_dir` only when one is given; return its output.

        With a plugin directory (the offline provider) the state stays in the working copy: an
        override file in the copy replaces any backend the stack declares (an S3 one would reach
        AWS at init) with the local one, as Terraform merges a backend block of an override."""
        if plugin_dir is not None:
            (self.workdir / OFFLINE_BACKEND_OVERRIDE).write_text(_LOCAL_BACKEND, encoding="utf-8")
        args = build_args("init", plugin_dir=plugin_dir)
        output = _combined(self.execute(args, timeout=timeout))
        self.plugin_dir = Path(plugin_dir) if plugin_dir else None
        return output

    def change_config(self, source_dir: str | Path) -> None:
        """Swap the working copy's configuration for `source_dir`'s, keeping state and providers,
        and init again: the next plan shows what that change does to the applied stack."""
        keep = {"terraform.tfstate", "terraform.tfstate.backup", ".terraform.lock.hcl"}
        for entry in self.workdir.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        shutil.copytree(
            Path(source_dir).resolve(),
            self.workdir,
            ignore=_copy_ignore(False, self.root),
            dirs_exist_ok=True,
        )
        self.init(plugin_dir=self.plugin_dir)

    def validate(self) -> Validation:
        """`terraform validate -json`, parsed; raise TerraformError with the diagnostics if invalid."""
        args = build_args("validate")
        result = self.execute(args, ok_codes=(0, 1))
        document = _parse_json(result, args, self.binary)
        validation = Validation(bool(document.get("valid")), _diagnostics(document))
        if not validation.valid:
            raise TerraformError(
                [Path(self.binary).name, *args], result.returncode, validation.render()
            )
        return validation

    def plan(self, *, vars: Mapping[str, Any] | None = None, destroy: bool = False) -> Plan:
        """`terraform plan -out`, then `show -json` of the saved plan, parsed."""
        plan_file = self._next_plan_file()
        self.execute(build_args("plan", out=plan_file, vars=vars, destroy=destroy))
        self._plan_vars[plan_file] = dict(vars or {})
        return self.show(plan_file)

    def show(self, plan_file: Path) -> Plan:
        """`terraform show -json PLANFILE`, parsed."""
        args = build_args("show", path=plan_file)
        return Plan.from_json(_parse_json(self.execute(args), args, self.binary), plan_file)

    def apply(self, plan: Plan | None = None) -> str:
        """Apply a saved plan (the last one made if none is given); return terraform's output."""
        plan_file = plan.path if plan and plan.path else self._last_plan_file()
        self.applied = True
        # Later plans and the destroy must see the variable values this apply used.
        self.vars = self._plan_vars.get(plan_file, self.vars)
        return self.execute(build_args("apply", plan_file=plan_file)).stdout

    def check_idempotent(self) -> None:
        """Plan again with -detailed-exitcode; raise IdempotencyError if anything would change."""
        plan_file = self._next_plan_file()
        args = build_args("plan", out=plan_file, detailed_exitcode=True, vars=self.vars)
        result = self.execute(args, ok_codes=(0, 2))
        if result.returncode == 0:
            return
        plan = self.show(plan_file)
        changed = {
            address: action for address, action in plan.actions().items() if action != "no-op"
        }
        raise IdempotencyError([Path(self.binary).name, *args], changed, _combined(result))

    def output(self) -> dict[str, Any]:
        """`terraform output -json`, as a mapping of output name to value."""
        args = build_args("output")
        document = _parse_json(self.execute(args), args, self.binary)
        return {name: entry.get("value") for name, entry in document.items()}

    def destroy(self, *, vars: Mapping[str, Any] | None = None) -> str:
        """`terraform destroy`; if it fails, keep the working copy and its state for a retry."""
        try:
            args = build_args("destroy", vars=self.vars if vars is None else vars)
            output = self.execute(args).stdout
        except TerraformError as error:
            self.state_kept = True
            raise DestroyFailedError(
                error.command, error.returncode, error.output, self.root
            ) from error
        self.applied = False
        return output

    def state_list(self) -> list[str]:
        """Addresses in the state (`terraform state list`)."""
        return self.execute(build_args("state list")).stdout.split()

    def state_show(self) -> dict[str, Any]:
        """The whole state as `terraform show -json` describes it."""
        args = build_args("show")
        return _parse_json(self.execute(args), args, self.binary)

    def fmt_check(self) -> None:
        """`terraform fmt -check -diff -recursive`; raise TerraformError with the diff if unformatted."""
        self.execute(build_args("fmt", recursive=True))

    # -- lifecycle -----------------------------------------------------------------------------

    @contextmanager
    def applied_plan(self, plan: Plan | None = None) -> Iterator[Plan]:
        """Apply `plan` (or a fresh one), yield it, and always try to destroy afterwards."""
        plan = plan or self.plan()
        try:
            self.apply(plan)
            yield plan
        finally:
            self.destroy()

    def close(self, *, keep: bool = False) -> Path | None:
        """Delete the working copy unless asked to keep it or destroy failed; return what is kept."""
        if keep or self.state_kept:
            return self.root
        shutil.rmtree(self.root, ignore_errors=True)
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _next_plan_file(self) -> Path:
        self._plans += 1
        return self.root / f"plan-{self._plans}.tfplan"

    def _last_plan_file(self) -> Path:
        if not self._plans:
            raise UsageError("apply needs a saved plan: run plan() first")
        return self.root / f"plan-{self._plans}.tfplan"


def _combined(result: subprocess.CompletedProcess[str]) -> str:
    return f"{result.stdout or ''}{result.stderr or ''}"


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    # Terraform handles SIGTERM by stopping gracefully; give it a moment, then kill the group.
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            return process.communicate(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return "", ""


def _parse_json(
    result: subprocess.CompletedProcess[str], args: Sequence[str], binary: str
) -> dict[str, Any]:
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise TerraformError(
            [Path(binary).name, *args],
            result.returncode,
            f"{_combined(result)}\n(not JSON: {error})",
        ) from None
    return document if isinstance(document, dict) else {}

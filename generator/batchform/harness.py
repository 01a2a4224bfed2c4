"""Drive the real terraform binary through a stack's lifecycle on a throwaway copy of the stack."""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from batchform.errors import (
    DestroyFailedError,
    IdempotencyError,
    TerraformError,
    TerraformNotFoundError,
    UsageError,
    ValidationFailedError,
)

if TYPE_CHECKING:
    from batchform.interrupts import Interrupts
    from batchform.provider.launcher import ProviderProcess

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
    """One terraform diagnostic: from `validate -json`, or read back from terraform's text."""

    severity: str
    summary: str
    detail: str = ""
    filename: str | None = None
    line: int | None = None
    code: str | None = None
    address: str | None = None

    def render(self) -> str:
        """Terraform's human layout: severity, summary, where, the offending line, detail."""
        text = f"{self.severity.capitalize()}: {self.summary}"
        where = [f"  with {self.address},"] if self.address else []
        if self.filename:
            where.append(f"  on {self.filename} line {self.line}:")
            if self.code is not None:
                where.append(f"  {self.line}: {self.code.strip()}")
        if where:
            text += "\n\n" + "\n".join(where)
        if self.detail:
            text += f"\n\n{self.detail}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: severity, summary, detail, address, filename, line."""
        return {
            "severity": self.severity,
            "summary": self.summary,
            "detail": self.detail,
            "address": self.address,
            "filename": self.filename,
            "line": self.line,
        }


@dataclass(frozen=True)
class Validation:
    """The parsed result of `terraform validate -json`."""

    valid: bool
    diagnostics: list[Diagnostic]

    def render(self) -> str:
        """All diagnostics in terraform's human layout."""
        return "\n\n".join(diagnostic.render() for diagnostic in self.diagnostics)

    def summary(self) -> str:
        """`valid`, with the number of warnings when there are any."""
        warnings = sum(d.severity == "warning" for d in self.diagnostics)
        state = "valid" if self.valid else "invalid"
        return f"{state}, {warnings} warning{'s' * (warnings != 1)}" if warnings else state


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
                address=item.get("address"),
            )
        )
    return found


_DIAGNOSTIC_START = re.compile(r"^(Error|Warning): (.*)$")
_DIAGNOSTIC_WITH = re.compile(r"^  with (.+),$")
_DIAGNOSTIC_ON = re.compile(r"^  on (.+?) line (\d+)")
_DIAGNOSTIC_SNIPPET = re.compile(r"^\s*\d+: ")
_BOX = "│╷╵"


def parse_diagnostics(output: str) -> list[Diagnostic]:
    """The diagnostics in terraform's human output (`Error: ...`, `with ADDRESS,`, `on FILE
    line N`, then the detail), for commands that have no JSON form of them."""
    found: list[Diagnostic] = []
    current: dict[str, Any] | None = None
    detail: list[str] = []

    def close() -> None:
        if current is not None:
            found.append(Diagnostic(detail="\n".join(detail).strip(), **current))

    for raw in output.splitlines():
        line = raw.lstrip(_BOX)
        line = line[1:] if raw[:1] in _BOX and line.startswith(" ") else line
        start = _DIAGNOSTIC_START.match(line)
        if start:
            close()
            current, detail = {"severity": start[1].lower(), "summary": start[2].strip()}, []
        elif current is None:
            continue
        elif (match := _DIAGNOSTIC_WITH.match(line)) and not detail:
            current["address"] = match[1]
        elif (match := _DIAGNOSTIC_ON.match(line)) and not detail:
            current["filename"], current["line"] = match[1], int(match[2])
        elif _DIAGNOSTIC_SNIPPET.match(line) and "filename" in current and not detail:
            continue
        elif raw[:1] == "╵":
            close()
            current = None
        elif line.strip() or detail:
            detail.append(line.rstrip())
    close()
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


# Files and directories never copied into the working copy: terraform's own data and state.
_SKIPPED_NAMES = {".terraform", ".git"}
_SKIPPED_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfplan")
# What terraform reads as configuration in a module directory (OpenTofu adds .tofu files).
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def check_configuration_dir(source_dir: Path) -> None:
    """Raise UsageError unless `source_dir` is a directory holding Terraform configuration."""
    if not source_dir.is_dir():
        raise UsageError(f"{source_dir}: not a directory with a Terraform configuration")
    try:
        with os.scandir(source_dir) as entries:
            names = [entry.name for entry in entries]
    except OSError as error:
        raise UsageError(f"{source_dir}: cannot read the directory: {error.strerror}") from None
    if not any(name.endswith(TERRAFORM_SUFFIXES) for name in names):
        raise UsageError(
            f"{source_dir}: no Terraform configuration here (no .tf or .tf.json file); "
            "give the directory of a root module, e.g. the --out of `batchform generate`"
        )


def copy_stack(source: Path, target: Path, *, keep_lock_file: bool, exclude: Path) -> None:
    """Copy a stack for terraform: directories and regular files, symbolic links followed.

    Leaves out terraform's data, state and plans (and the lock file unless `keep_lock_file`),
    and `exclude` (the working copy itself, when it lies inside the source). Anything terraform
    could not read the same way is a UsageError naming the path: a named pipe, socket or device,
    a dangling symbolic link, a link loop, an unreadable file.
    """
    skipped = set(_SKIPPED_NAMES) if keep_lock_file else {*_SKIPPED_NAMES, ".terraform.lock.hcl"}
    # An explicit work list, not recursion: depth is whatever the tree has.
    pending: list[tuple[Path, Path, tuple[Path, ...]]] = [(source, target, (source.resolve(),))]
    while pending:
        directory, copy, ancestors = pending.pop()
        copy.mkdir(exist_ok=True)
        for path in _directory_entries(directory):
            if path.name in skipped or path.name.endswith(_SKIPPED_SUFFIXES) or path == exclude:
                continue
            mode = _followed_mode(path)
            if stat.S_ISDIR(mode):
                real = path.resolve()
                if real in ancestors:
                    raise UsageError(
                        f"{path}: a symbolic link to {real}, a directory it lies in: copying it "
                        "would never end; remove the link or point it elsewhere"
                    )
                pending.append((path, copy / path.name, (*ancestors, real)))
            elif stat.S_ISREG(mode):
                _copy_file(path, copy / path.name)
            else:
                kind = next((text for test, text in _SPECIAL_FILES if test(mode)), "not a file")
                raise UsageError(
                    f"{path}: {kind}, not a regular file or directory; terraform cannot use it "
                    "as configuration. Move it out of the stack directory."
                )


def _directory_entries(directory: Path) -> list[Path]:
    try:
        with os.scandir(directory) as entries:
            return sorted(Path(entry.path) for entry in entries)
    except OSError as error:
        raise UsageError(f"{directory}: cannot read the directory: {error.strerror}") from None


def _followed_mode(path: Path) -> int:
    """The mode of what `path` leads to, following symbolic links; UsageError if nothing."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        target = os.readlink(path) if path.is_symlink() else "?"
        raise UsageError(
            f"{path}: a symbolic link to {target}, which does not exist (a dangling link); "
            "remove it or create its target"
        ) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UsageError(
                f"{path}: a loop of symbolic links that never reaches a file; remove the link"
            ) from None
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None


def _copy_file(source: Path, target: Path) -> None:
    try:
        shutil.copy2(source, target)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(f"{source}: cannot copy it into the working copy: {reason}") from None


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
        check_configuration_dir(self.source_dir)
        self.binary = find_terraform(binary)
        self.timeout = timeout
        self.retries = retries
        self.root = Path(tempfile.mkdtemp(prefix="batchform-", dir=work_root))
        self.workdir = self.root / "stack"
        try:
            copy_stack(
                self.source_dir, self.workdir, keep_lock_file=keep_lock_file, exclude=self.root
            )
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
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
        # TF_REATTACH_PROVIDERS for every command but init, once a provider process is attached.
        self.reattach: dict[str, str] = {}
        self.interrupts: Interrupts | None = None
        self._provider: ProviderProcess | None = None

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
        # init installs from the plugin directory, so the working copy also works without the
        # reattached provider (a kept copy destroyed by hand); every other command reattaches.
        env = self.env if args[:1] == ["init"] else {**self.env, **self.reattach}
        # A session of its own, so a timeout can end terraform and the providers it started,
        # and Ctrl-C reaches batchform alone, which forwards it (see interrupts.py).
        process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Terraform echoes file contents (fmt -diff), which need not be UTF-8.
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        watching = self.interrupts.watching(process) if self.interrupts else nullcontext()
        try:
            with watching:
                stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stdout, stderr = _stop(process)
            output = f"{stdout}{stderr}\n(no result after {timeout:g} s; stopped)"
            raise TerraformError([Path(self.binary).name, *args], None, output) from None
        except BaseException:
            # KeyboardInterrupt with no Interrupts installed: stop terraform as Ctrl-C would.
            _interrupt(process)
            _end_leftovers(process)
            raise
        if self.interrupts is not None and self.interrupts.count:
            _end_leftovers(process)
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
        copy_stack(
            Path(source_dir).resolve(), self.workdir, keep_lock_file=False, exclude=self.root
        )
        self.init(plugin_dir=self.plugin_dir)

    def validate(self) -> Validation:
        """`terraform validate -json`, parsed; raise TerraformError with the diagnostics if invalid."""
        args = build_args("validate")
        result = self.execute(args, ok_codes=(0, 1))
        document = _parse_json(result, args, self.binary)
        validation = Validation(bool(document.get("valid")), _diagnostics(document))
        if not validation.valid:
            raise ValidationFailedError(
                [Path(self.binary).name, *args],
                result.returncode,
                validation.render(),
                validation.diagnostics,
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

    def attach_provider(self, provider: ProviderProcess) -> None:
        """Run every later command but init against `provider` (TF_REATTACH_PROVIDERS)."""
        self.reattach = provider.reattach_env()

    def start_offline_provider(self) -> ProviderProcess:
        """Launch one offline provider process for this working copy (attach it once terraform
        init is done); close() stops it. Its simulated account lives in this copy's data
        directory, as with a provider terraform starts itself."""
        from batchform.provider.launcher import ProviderProcess

        self.stop_offline_provider()
        self._provider = ProviderProcess.launch(
            data_dir=self.data_dir, log=self.root / "provider.log", env=self.env
        )
        return self._provider

    def has_offline_provider(self) -> bool:
        """True while a provider process started for this copy runs."""
        return self._provider is not None

    def offline_provider(self) -> ProviderProcess:
        """The provider process start_offline_provider launched."""
        if self._provider is None:
            raise UsageError("no offline provider process was started for this working copy")
        return self._provider

    def stop_offline_provider(self) -> None:
        """Stop the provider process start_offline_provider launched, if any."""
        if self._provider is not None:
            self._provider.stop()
            self._provider = None
        self.reattach = {}

    def destroy_command(self) -> str:
        """The shell command that destroys this working copy's resources later, by hand."""
        args = build_args("destroy", vars=self.vars)
        retry = " ".join(shlex.quote(part) for part in [Path(self.binary).name, *args])
        return (
            f"cd {shlex.quote(str(self.workdir))} && "
            f"TF_DATA_DIR={shlex.quote(str(self.data_dir))} {retry}"
        )

    def close(self, *, keep: bool = False) -> Path | None:
        """Stop the provider process this copy started, then delete the working copy unless
        asked to keep it or destroy failed; return what is kept."""
        self.stop_offline_provider()
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


def _end_leftovers(process: subprocess.Popen[str]) -> None:
    """After an interrupted terraform exits: end what is left of its process group, such as
    the children of a local-exec provisioner terraform killed (their `sh` dies, they live on)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)


def _interrupt(process: subprocess.Popen[str], grace: float = 60.0) -> None:
    """One SIGINT, as a terminal's Ctrl-C: terraform stops gracefully and keeps its state; then
    wait for it. A second KeyboardInterrupt while waiting ends the whole group at once."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        _stop(process)
    except BaseException:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


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

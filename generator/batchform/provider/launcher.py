"""Install the offline provider where `terraform init -plugin-dir` finds it, or start one
process of it that every terraform command of a lifecycle reattaches to."""

from __future__ import annotations

import json
import os
import selectors
import shlex
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Self

from batchform.aws.provider import ADDRESS as PROVIDER_SOURCE

# Each provider process appends "PID MODE" to this file when set (tests and benchmarks count).
START_LOG_ENV = "BATCHFORM_PROVIDER_START_LOG"
# "0" makes terraform start the provider itself for every command, as before reattaching.
REATTACH_ENV = "BATCHFORM_PROVIDER_REATTACH"
START_TIMEOUT = 30.0
_SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "aws_provider_schema.json"
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def provider_version() -> str:
    """The hashicorp/aws version whose schema the stand-in serves."""
    raw = json.loads(_SNAPSHOT.read_text(encoding="utf-8"))
    version: str = raw["provider_versions"][PROVIDER_SOURCE]
    return version


def terraform_platform() -> str:
    """This machine's platform in Terraform's spelling, e.g. ``linux_amd64``."""
    import platform  # only install needs it; the plugin process imports this package too

    machine = platform.machine().lower()
    return f"{sys.platform.removesuffix('2')}_{_ARCHES.get(machine, machine)}"


def install(plugin_dir: Path) -> str:
    """Write the launcher under ``plugin_dir`` in Terraform's layout; returns the provider version."""
    version = provider_version()
    target = (
        Path(plugin_dir)
        / PROVIDER_SOURCE
        / version
        / terraform_platform()
        / f"terraform-provider-aws_v{version}"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    script = (
        "#!/bin/sh\n"
        "# batchform's offline stand-in for hashicorp/aws: it serves the provider's schema and\n"
        "# plans/applies without talking to AWS.\n"
        f"PYTHONPATH={shlex.quote(str(_PACKAGE_ROOT))}${{PYTHONPATH:+:$PYTHONPATH}}\n"
        "export PYTHONPATH\n"
        f'exec {shlex.quote(sys.executable)} -m batchform.provider "$@"\n'
    )
    tmp = target.with_suffix(".tmp")
    tmp.write_text(script, encoding="utf-8")
    tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, target)
    return version


def reattach_wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """False when $BATCHFORM_PROVIDER_REATTACH is 0: terraform starts the provider per command."""
    return environ.get(REATTACH_ENV, "1").strip().lower() not in ("0", "no", "false", "off")


class ProviderProcess:
    """One offline provider process serving on a private unix socket for terraform to reattach.

    The process keeps the simulated account for everything that runs against it, ends when
    `stop()` closes its stdin, and ends by itself when this process dies (its stdin closes then
    too), so no provider outlives batchform.
    """

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log
        self._socket: Path | None = None

    @classmethod
    def launch(cls, *, data_dir: Path, log: Path, env: Mapping[str, str] | None = None) -> Self:
        """Start the provider with its account in `data_dir` and its log in `log`, without
        waiting for it to listen (`socket` waits): terraform init can run meanwhile."""
        environ = dict(os.environ if env is None else env)
        environ["TF_DATA_DIR"] = str(data_dir)
        environ["PYTHONPATH"] = os.pathsep.join(
            [str(_PACKAGE_ROOT), *filter(None, [environ.get("PYTHONPATH")])]
        )
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "batchform.provider", "--reattach"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                env=environ,
                cwd=data_dir.parent,
                # Its own session: Ctrl-C in the terminal reaches batchform, which decides.
                start_new_session=True,
            )
        return cls(process, log)

    @classmethod
    def start(
        cls,
        *,
        data_dir: Path,
        log: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = START_TIMEOUT,
    ) -> Self:
        """launch(), then wait until it listens."""
        provider = cls.launch(data_dir=data_dir, log=log, env=env)
        provider.wait_ready(timeout)
        return provider

    def wait_ready(self, timeout: float = START_TIMEOUT) -> Path:
        """Wait for the process to announce its socket; ProviderUnavailableError if it does not."""
        if self._socket is not None:
            return self._socket
        from batchform.errors import ProviderUnavailableError

        assert self.process.stdout is not None
        line = _first_line(self.process.stdout, timeout)
        try:
            self._socket = Path(json.loads(line)["socket"])
        except (ValueError, KeyError, TypeError):
            _end(self.process)
            tail = self.log.read_text(errors="replace")[-2000:]
            raise ProviderUnavailableError(
                f"the offline provider did not start (no address within {timeout:g} s):\n{tail}"
            ) from None
        return self._socket

    @property
    def socket(self) -> Path:
        """The unix socket it serves on (waits until it listens)."""
        return self.wait_ready()

    @property
    def pid(self) -> int:
        """The provider's process id."""
        return self.process.pid

    def reattach_env(self) -> dict[str, str]:
        """TF_REATTACH_PROVIDERS for terraform: hashicorp/aws is this process."""
        # Test: terraform's plugin client must not stop the process after each command.
        config = {
            PROVIDER_SOURCE: {
                "Protocol": "grpc",
                "ProtocolVersion": 6,
                "Pid": self.process.pid,
                "Test": True,
                "Addr": {"Network": "unix", "String": str(self.socket)},
            }
        }
        return {"TF_REATTACH_PROVIDERS": json.dumps(config, separators=(",", ":"))}

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """End the process: close its stdin, wait, then terminate it. Safe to call twice."""
        _end(self.process, timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _first_line(stream: IO[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    buffered = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while b"\n" not in buffered:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                break
            chunk = os.read(stream.fileno(), 4096)
            if not chunk:
                break
            buffered += chunk
    return buffered.split(b"\n", 1)[0].decode(errors="replace")


def _end(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    for stream in (process.stdin, process.stdout):
        if stream is not None and not stream.closed:
            stream.close()
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None and process.poll() is None:
            process.send_signal(sig)
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue

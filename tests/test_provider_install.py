"""Tests for installing and starting the offline provider process, per command or reattached."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from batchform.errors import ProviderUnavailableError
from batchform.provider import install, provider_version
from batchform.provider.launcher import (
    REATTACH_ENV,
    START_LOG_ENV,
    ProviderProcess,
    reattach_wanted,
    terraform_platform,
)
from batchform.provider.server import (
    CERTIFICATE_FILE,
    MAGIC_COOKIE_KEY,
    MAGIC_COOKIE_VALUE,
    cached_server_certificate,
    handshake_line,
    server_certificate,
)


def test_install_writes_an_executable_in_terraform_layout(tmp_path: Path) -> None:
    version = install(tmp_path)
    assert version == provider_version() == "6.66.0"
    launcher = (
        tmp_path
        / "registry.terraform.io/hashicorp/aws/6.66.0"
        / terraform_platform()
        / "terraform-provider-aws_v6.66.0"
    )
    assert os.access(launcher, os.X_OK)
    assert sys.executable in launcher.read_text()
    assert install(tmp_path) == version  # idempotent


def test_launcher_refuses_to_run_without_terraform(tmp_path: Path) -> None:
    install(tmp_path)
    launcher = next(tmp_path.rglob("terraform-provider-aws_v*"))
    env = {k: v for k, v in os.environ.items() if k != MAGIC_COOKIE_KEY}
    result = subprocess.run(
        [launcher], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 1
    assert "offline stand-in" in result.stderr


def test_plugin_prints_the_go_plugin_handshake_quickly(tmp_path: Path) -> None:
    install(tmp_path)
    launcher = next(tmp_path.rglob("terraform-provider-aws_v*"))
    client_pem, _, _ = server_certificate()
    env = dict(
        os.environ, **{MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE}, PLUGIN_CLIENT_CERT=client_pem.decode()
    )
    started = time.perf_counter()
    with subprocess.Popen(
        [launcher], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        elapsed = time.perf_counter() - started
        core, proto, network, address, kind, cert = line.split("|")
        # A unix socket, as go-plugin's plugins serve on Linux: no TCP port, and only this
        # user can enter its directory.
        socket_path = Path(address)
        assert socket_path.is_socket()
        assert stat.S_IMODE(socket_path.parent.stat().st_mode) == 0o700
        process.terminate()
    assert (core, proto, network, kind) == ("1", "6", "unix", "grpc")
    assert not socket_path.parent.exists()  # removed when the plugin stops
    assert len(cert) > 50 and not cert.endswith("=")
    assert elapsed < 3.0, f"handshake took {elapsed:.2f}s"


def test_handshake_line_without_tls() -> None:
    assert handshake_line(Path("/run/x/provider.sock"), None) == "1|6|unix|/run/x/provider.sock|grpc|"


def test_generate_and_lint_do_not_load_the_provider() -> None:
    code = (
        "import sys, importlib\n"
        "for name in ('batchform.cli', 'batchform.schema'):\n"
        "    importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m.startswith('batchform.provider') or m.startswith('grpc')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- one process for a whole lifecycle, reattached by every terraform command -------------------


def process_gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie waiting for its reaper counts as exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.05)
    return False


def test_reattachable_provider_serves_a_private_socket_until_stopped(tmp_path: Path) -> None:
    log = tmp_path / "starts.log"
    env = dict(os.environ, **{START_LOG_ENV: str(log)})
    provider = ProviderProcess.start(data_dir=tmp_path / "data", log=tmp_path / "p.log", env=env)
    try:
        assert provider.running()
        assert provider.socket.is_socket()
        assert stat.S_IMODE(provider.socket.parent.stat().st_mode) == 0o700
        config = json.loads(provider.reattach_env()["TF_REATTACH_PROVIDERS"])
        assert config == {
            "registry.terraform.io/hashicorp/aws": {
                "Protocol": "grpc",
                "ProtocolVersion": 6,
                "Pid": provider.pid,
                "Test": True,
                "Addr": {"Network": "unix", "String": str(provider.socket)},
            }
        }
        assert log.read_text() == f"{provider.pid} reattach {os.getpid()}\n"
    finally:
        provider.stop()
    assert not provider.running()
    assert not provider.socket.parent.exists()
    provider.stop()  # twice is fine


def test_reattachable_provider_exits_when_the_process_that_started_it_is_killed(
    tmp_path: Path,
) -> None:
    parent = (
        "import pathlib, sys, time\n"
        "from batchform.provider.launcher import ProviderProcess\n"
        "root = pathlib.Path(sys.argv[1])\n"
        "p = ProviderProcess.start(data_dir=root / 'data', log=root / 'p.log')\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", parent, str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        pid = int(process.stdout.readline())
        assert not process_gone(pid)
        process.kill()
    assert wait_gone(pid, 5.0), "the provider outlived the process that started it"


def test_reattachable_provider_that_cannot_start_says_why(tmp_path: Path) -> None:
    # A broken grpc ahead of the real one on the path: the provider dies before announcing.
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "shadow"))
    (tmp_path / "shadow" / "grpc").mkdir(parents=True)
    (tmp_path / "shadow" / "grpc" / "__init__.py").write_text("raise ImportError('no grpc here')\n")
    with pytest.raises(ProviderUnavailableError, match="no grpc here"):
        ProviderProcess.start(data_dir=tmp_path / "data", log=tmp_path / "p.log", env=env)


def test_reattach_can_be_turned_off_for_comparison() -> None:
    assert reattach_wanted({})
    assert reattach_wanted({REATTACH_ENV: "1"})
    assert not reattach_wanted({REATTACH_ENV: "0"})
    assert not reattach_wanted({REATTACH_ENV: "off"})


def test_server_certificate_is_generated_once_per_data_directory(tmp_path: Path) -> None:
    first = cached_server_certificate(tmp_path)
    cached = tmp_path / CERTIFICATE_FILE
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert cached_server_certificate(tmp_path) == first
    # A file others could read is not trusted: a new certificate replaces it.
    cached.chmod(0o644)
    replaced = cached_server_certificate(tmp_path)
    assert replaced != first
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert replaced[2] == ssl.PEM_cert_to_DER_cert(replaced[0].decode())


def test_later_plugin_starts_reuse_the_certificate(tmp_path: Path) -> None:
    install(tmp_path)
    launcher = next(tmp_path.rglob("terraform-provider-aws_v*"))
    client_pem, _, _ = server_certificate()
    env = dict(
        os.environ,
        **{MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE},
        PLUGIN_CLIENT_CERT=client_pem.decode(),
        TF_DATA_DIR=str(tmp_path / "data"),
    )
    lines = []
    for _ in range(2):
        with subprocess.Popen(
            [launcher], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        ) as process:
            assert process.stdout is not None
            lines.append(process.stdout.readline().strip())
            process.terminate()
    assert lines[0].split("|")[-1] == lines[1].split("|")[-1]
    assert (tmp_path / "data" / CERTIFICATE_FILE).is_file()


@pytest.fixture
def short_tmpdir() -> Iterator[Path]:
    """A TMPDIR short enough that the provider's socket directory goes there, not to /tmp."""
    directory = Path(tempfile.mkdtemp(prefix="bft-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.parametrize("when", ["starting", "serving"])
def test_stopped_provider_leaves_no_socket_directory(
    tmp_path: Path, short_tmpdir: Path, when: str
) -> None:
    env = dict(os.environ, TMPDIR=str(short_tmpdir))
    provider = ProviderProcess.launch(data_dir=tmp_path / "data", log=tmp_path / "p.log", env=env)
    try:
        if when == "serving":
            assert provider.socket.parent.parent == short_tmpdir
    finally:
        provider.stop()  # while starting: its announcement finds stdout closed
    assert provider.process.returncode == 0, (tmp_path / "p.log").read_text()
    assert os.listdir(short_tmpdir) == []


def test_terminated_plugin_leaves_no_socket_directory(tmp_path: Path, short_tmpdir: Path) -> None:
    install(tmp_path)
    launcher = next(tmp_path.rglob("terraform-provider-aws_v*"))
    client_pem, _, _ = server_certificate()
    env = dict(
        os.environ,
        **{MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE},
        PLUGIN_CLIENT_CERT=client_pem.decode(),
        TMPDIR=str(short_tmpdir),
        TF_DATA_DIR=str(tmp_path / "data"),
    )
    with subprocess.Popen(
        [launcher], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stdout is not None
        try:
            process.stdout.readline()
            assert len(os.listdir(short_tmpdir)) == 1
        finally:
            process.terminate()
        assert process.wait(10) == 0
    assert os.listdir(short_tmpdir) == []

"""Tests for installing and starting the offline provider process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from batchform.provider import install, provider_version
from batchform.provider.launcher import terraform_platform
from batchform.provider.server import (
    MAGIC_COOKIE_KEY,
    MAGIC_COOKIE_VALUE,
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
        process.kill()
    core, proto, network, address, kind, cert = line.split("|")
    assert (core, proto, network, kind) == ("1", "6", "tcp", "grpc")
    assert address.startswith("127.0.0.1:")
    assert len(cert) > 50 and not cert.endswith("=")
    assert elapsed < 3.0, f"handshake took {elapsed:.2f}s"


def test_handshake_line_without_tls() -> None:
    assert handshake_line(1234, None) == "1|6|tcp|127.0.0.1:1234|grpc|"


def test_generate_and_lint_do_not_load_the_provider() -> None:
    code = (
        "import sys, importlib\n"
        "for name in ('batchform.cli', 'batchform.schema'):\n"
        "    importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m.startswith('batchform.provider') or m.startswith('grpc')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

"""Install the offline provider where `terraform init -plugin-dir` finds it."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from pathlib import Path

from batchform.aws.provider import ADDRESS as PROVIDER_SOURCE

_SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "aws_provider_schema.json"
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
    package_root = Path(__file__).resolve().parents[2]
    script = (
        "#!/bin/sh\n"
        "# batchform's offline stand-in for hashicorp/aws: it serves the provider's schema and\n"
        "# plans/applies without talking to AWS.\n"
        f"PYTHONPATH={shlex.quote(str(package_root))}${{PYTHONPATH:+:$PYTHONPATH}}\n"
        "export PYTHONPATH\n"
        f'exec {shlex.quote(sys.executable)} -m batchform.provider "$@"\n'
    )
    tmp = target.with_suffix(".tmp")
    tmp.write_text(script, encoding="utf-8")
    tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, target)
    return version

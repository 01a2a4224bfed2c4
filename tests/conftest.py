"""Shared test options and helpers."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# The moto server and account fixtures of the doctor tests.
pytest_plugins = ["doctor_support"]

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/*/expected and the top-level modules/ from the current code.",
    )


def pytest_configure(config: pytest.Config) -> None:
    # botocore (the real-account check of `batchform test`) must never ask the instance
    # metadata service, which is not on loopback; tests that need AWS point it at moto.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    # The parse cache of generate and lint goes to a directory of this run, never the user's.
    if "BATCHFORM_CACHE_DIR" not in os.environ:
        directory = tempfile.mkdtemp(prefix="batchform-test-cache-")
        os.environ["BATCHFORM_CACHE_DIR"] = directory
        config.add_cleanup(lambda: shutil.rmtree(directory, ignore_errors=True))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def golden_cases() -> list[Path]:
    """Every golden case directory, by name."""
    return sorted(path for path in GOLDEN.iterdir() if path.is_dir())


def golden_spec(case: Path) -> Path:
    """The spec file of a golden case (spec.toml or spec.yaml)."""
    (spec,) = [path for path in case.iterdir() if path.name.startswith("spec.")]
    return spec


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    path = shutil.which(os.environ.get("TERRAFORM", "terraform"))
    if path is None:
        pytest.skip("terraform is not on PATH")
    return path


@pytest.fixture
def tf_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment for running terraform without user config or logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_LOG")}
    config = tmp_path / "terraformrc"
    config.write_text("")
    env["TF_CLI_CONFIG_FILE"] = str(config)
    env["CHECKPOINT_DISABLE"] = "1"
    yield env

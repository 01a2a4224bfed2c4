"""The offline provider's private socket stays short even under a deep TMPDIR."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from batchform.provider import server


def test_socket_directory_is_short_under_a_deep_tmpdir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    directory = server._private_dir()
    try:
        assert len(str(directory / "grpc.sock")) <= 107
        assert directory.is_dir()
    finally:
        directory.rmdir()

"""BF033 reads the day from batchform's clock: a warning before AWS blocks Amazon Linux 2
compute environments, an error from that day on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from batchform import clock
from batchform.lint import lint_files

CE = """
resource "aws_batch_compute_environment" "this" {
  name_prefix = "batch-"
  type        = "MANAGED"

  compute_resources {
    type          = "EC2"
    instance_type = ["c5.large"]
    max_vcpus     = 16

    ec2_configuration {
      image_type = "ECS_AL2"
    }
  }
}
"""


@pytest.mark.parametrize(("day", "severity", "words"), [
    (date(2026, 1, 12), "warning", "from June 30, 2026"),
    (date(2026, 6, 29), "warning", "from June 30, 2026"),
    (date(2026, 6, 30), "error", "since June 30, 2026"),
    (date(2027, 3, 1), "error", "since June 30, 2026"),
])
def test_amazon_linux_2_warns_before_the_day_and_errs_from_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, day: date, severity: str, words: str
) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)
    result = lint_files({"main.tf": CE}, "BF033", root=tmp_path)
    (finding,) = result.findings
    assert finding.severity == severity
    assert words in finding.message and "use ECS_AL2023" in finding.message
    assert result.exit_code == (1 if severity == "error" else 0)

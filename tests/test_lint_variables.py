"""Root module variable values as terraform gathers them: tfvars files it loads by itself, then
--var-file and --var in command-line order, later values winning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchform.cli import app, run
from batchform.errors import UsageError
from batchform.hcl.loader import auto_tfvars_files
from batchform.lint import VarFile, VarValue, lint_paths
from batchform.lint.variables import parse_assignment

runner = CliRunner()

# A queue named by a variable: BF014 quotes the name it was given, so the winner shows.
QUEUE = """
variable "queue_name" {
  description = "Name of the queue."
  type        = string
  default     = "from default"
}

variable "settings" {
  description = "Queue settings."
  type        = object({ priority = number })
  default     = { priority = 1 }
}

resource "aws_batch_job_queue" "this" {
  name     = var.queue_name
  state    = "ENABLED"
  priority = var.settings.priority

  compute_environment_order {
    order               = 1
    compute_environment = "arn:aws:batch:us-east-1:123456789012:compute-environment/ce"
  }
}
"""


def _stack(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(QUEUE)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def _name(result: object) -> str:
    """The queue name BF014 reports."""
    (finding,) = [item for item in result.findings if item.code == "BF014"]  # type: ignore[attr-defined]
    return finding.message.split("'")[1]


def test_terraform_order_of_the_files_it_loads_itself(tmp_path: Path) -> None:
    root = _stack(
        tmp_path / "stack",
        {
            "terraform.tfvars": 'queue_name = "from tfvars"\n',
            "terraform.tfvars.json": json.dumps({"queue_name": "from tfvars json"}),
            "b.auto.tfvars": 'queue_name = "from b auto"\n',
            "a.auto.tfvars.json": json.dumps({"queue_name": "from a auto json"}),
        },
    )
    assert [path.name for path in auto_tfvars_files(root)] == [
        "terraform.tfvars",
        "terraform.tfvars.json",
        "a.auto.tfvars.json",
        "b.auto.tfvars",
    ]
    assert _name(lint_paths([root], display_root=root)) == "from b auto"
    (root / "b.auto.tfvars").unlink()
    assert _name(lint_paths([root], display_root=root)) == "from a auto json"
    (root / "a.auto.tfvars.json").unlink()
    assert _name(lint_paths([root], display_root=root)) == "from tfvars json"


def test_given_values_come_after_the_automatic_ones_in_their_order(tmp_path: Path) -> None:
    root = _stack(tmp_path / "stack", {"terraform.tfvars": 'queue_name = "from tfvars"\n'})
    dev = tmp_path / "dev.tfvars"
    dev.write_text('queue_name = "from dev"\n')
    prod = tmp_path / "prod.tfvars.json"
    prod.write_text(json.dumps({"queue_name": "from prod"}))
    assert _name(lint_paths([root], variables=[VarFile(dev)])) == "from dev"
    assert _name(lint_paths([root], variables=[VarFile(dev), VarFile(prod)])) == "from prod"
    given = [VarValue("queue_name", "from var"), VarFile(dev)]
    assert _name(lint_paths([root], variables=given)) == "from dev"
    given = [VarFile(dev), VarValue("queue_name", "from var")]
    assert _name(lint_paths([root], variables=given)) == "from var"


def test_command_line_order_of_var_file_and_var(tmp_path: Path) -> None:
    root = _stack(tmp_path / "stack", {})
    dev = tmp_path / "dev.tfvars"
    dev.write_text('queue_name = "from dev"\n')
    args = ["lint", str(root), "--no-cache", "-f", "json"]

    def name(*extra: str) -> str:
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 1, result.output
        (finding,) = [item for item in json.loads(result.output) if item["code"] == "BF014"]
        return str(finding["message"].split("'")[1])

    assert name("--var", "queue_name=from var", "--var-file", str(dev)) == "from dev"
    assert name(f"--var-file={dev}", "--var=queue_name=from var") == "from var"


def test_a_var_of_a_complex_type_is_an_expression(tmp_path: Path) -> None:
    root = _stack(tmp_path / "stack", {})
    given = [VarValue("settings", "{ priority = -3 }"), VarValue("queue_name", "q 1")]
    result = lint_paths([root], variables=given)
    assert _name(result) == "q 1"
    # The priority is a number now: the queue's schema type check has nothing to say.
    assert [item.code for item in result.findings if item.code == "BF104"] == []
    with pytest.raises(UsageError, match="--var settings: not a valid value for its type"):
        lint_paths([root], variables=[VarValue("settings", "{ priority = ")])


def test_bad_usage_is_exit_2_and_an_unparsable_file_is_bf000(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _stack(tmp_path / "stack", {})
    assert run(["lint", str(root), "--var-file", str(tmp_path / "none.tfvars")]) == 2
    assert "none.tfvars: no such file" in capsys.readouterr().err
    assert run(["lint", str(root), "--var", "queue_name"]) == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err
    broken = tmp_path / "broken.tfvars.json"
    broken.write_text("{ not json")
    result = lint_paths([root], variables=[VarFile(broken)])
    assert [item.code for item in result.findings if item.code == "BF000"] == ["BF000"]
    assert _name(result) == "from default"


def test_parse_assignment_keeps_the_value_as_written() -> None:
    assert parse_assignment("tags={ a = 1 }") == VarValue("tags", "{ a = 1 }")
    assert parse_assignment("empty=") == VarValue("empty", "")
    with pytest.raises(UsageError):
        parse_assignment("=value")

"""Undeclared references are found once per module directory, whatever calls it."""

from __future__ import annotations

from pathlib import Path

from batchform.lint import lint_files

MODULE = """
variable "name" {
  description = "The queue's name."
  type        = string
}

output "name" {
  description = "The name, twice."
  value       = "${var.name}-${var.nmae}"
}
"""


def test_a_module_called_many_times_is_reported_once(tmp_path: Path) -> None:
    calls = "".join(
        f'module "q{index}" {{\n  source = "./modules/q"\n  name   = "q{index}"\n}}\n'
        for index in range(5)
    )
    files = {"main.tf": calls, "modules/q/main.tf": MODULE}
    result = lint_files(files, "BF037", root=tmp_path)
    assert [(f.file, f.line, f.message) for f in result.findings] == [
        ("modules/q/main.tf", 9, "Reference to undeclared input variable: var.nmae is not "
         "declared in this module; did you mean var.name?"),
    ]


def test_template_directives_and_legacy_strings_hold_no_references(tmp_path: Path) -> None:
    text = """
locals {
  script = <<-EOT
    %{ for item in ["a", "b"] }
    echo ${item}
    %{ endfor }
  EOT
}

resource "aws_iam_role" "this" {
  name               = "r"
  assume_role_policy = "{}"
  depends_on         = ["aws_iam_role.other"]
}
"""
    assert lint_files({"main.tf": text}, "BF037", root=tmp_path).findings == []


def test_nothing_is_undeclared_in_a_directory_with_a_file_that_does_not_parse(
    tmp_path: Path,
) -> None:
    files = {
        "calls.tf": 'module "net" {\n  source = "./net"\n}\n\nlocals {\n  broken = "${"\n}\n',
        "outputs.tf": 'output "vpc" {\n  description = "VPC"\n  value       = module.net.vpc\n}\n',
        "net/main.tf": 'output "vpc" {\n  value = var.cidr\n',
    }
    result = lint_files(files, root=tmp_path)
    assert {finding.code for finding in result.findings} == {"BF000"}
    assert {finding.file for finding in result.findings} == {"calls.tf", "net/main.tf"}

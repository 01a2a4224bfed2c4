"""`batchform lint`: find the AWS Batch traps in any Terraform, statically."""

from __future__ import annotations

from batchform.lint.findings import Finding, LintResult
from batchform.lint.linter import explain, lint_files, lint_paths, lint_plan, rule_table
from batchform.lint.variables import VarFile, VarValue

__all__ = [
    "Finding",
    "LintResult",
    "VarFile",
    "VarValue",
    "explain",
    "lint_files",
    "lint_paths",
    "lint_plan",
    "rule_table",
]

"""Render lint results as text, JSON or SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from batchform import __version__
from batchform.errors import UsageError
from batchform.lint.findings import (
    PARSE_ERROR,
    PARSE_ERROR_EXPLANATION,
    PARSE_ERROR_FIX,
    PARSE_ERROR_TITLE,
    Finding,
    LintResult,
)
from batchform.lint.rules import all_rules

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning"}


def check_format(output_format: str) -> None:
    """Refuse an unknown format before anything is linted."""
    if output_format not in FORMATS:
        raise UsageError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")


def render(result: LintResult, output_format: str) -> str:
    """The result in one of FORMATS."""
    if output_format == "text":
        return render_text(result)
    if output_format == "json":
        return render_json(result)
    if output_format == "sarif":
        return render_sarif(result)
    raise UsageError(f"unknown format {output_format!r}; use one of {', '.join(FORMATS)}")


def render_text(result: LintResult) -> str:
    """`file:line: CODE severity address: message (fix)` per finding (`file:` alone where
    there is no line, as from a plan), then a summary line."""
    lines = [
        f"{_where(item)}: {item.code} {item.severity} {item.address}: "
        f"{item.message} ({item.fix})"
        if item.code != PARSE_ERROR
        else f"{item.file}:{item.line}:{item.column}: {item.code} {item.severity}: "
        f"{item.message}"
        for item in result.findings
    ]
    errors = sum(1 for item in result.findings if item.severity == "error")
    warnings = len(result.findings) - errors
    summary = f"{len(result.files)} files, {errors} errors, {warnings} warnings"
    if result.suppressed:
        summary += f", {result.suppressed} suppressed"
    lines.append(summary)
    return "\n".join(lines)


def _where(item: Finding) -> str:
    return f"{item.file}:{item.line}" if item.line > 0 else item.file


def render_json(result: LintResult) -> str:
    """A JSON list of {code, severity, file, line, column, address, message, fix}."""
    return json.dumps([item.as_dict() for item in result.findings], indent=2)


def render_sarif(result: LintResult) -> str:
    """A SARIF 2.1.0 log with one run, the rules that fired, and one result per finding."""
    used = sorted({item.code for item in result.findings})
    descriptors = [_descriptor(code) for code in used]
    index = {code: position for position, code in enumerate(used)}
    results = [
        {
            "ruleId": item.code,
            "ruleIndex": index[item.code],
            "level": _SARIF_LEVEL[item.severity],
            "message": {"text": f"{item.address}: {item.message} ({item.fix})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(item.file)},
                        "region": _region(item),
                    },
                    "logicalLocations": [{"fullyQualifiedName": item.address}],
                }
            ],
        }
        for item in result.findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "batchform",
                        "version": __version__,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)


def _descriptor(code: str) -> dict[str, Any]:
    if code == PARSE_ERROR:
        title, explanation, fix, severity = (
            PARSE_ERROR_TITLE, PARSE_ERROR_EXPLANATION, PARSE_ERROR_FIX, "error")
    else:
        rule = all_rules()[code]
        title, explanation, fix, severity = rule.title, rule.explanation, rule.fix, rule.severity
    return {
        "id": code,
        "name": title,
        "shortDescription": {"text": title},
        "fullDescription": {"text": explanation},
        "help": {"text": f"{explanation}\n\nFix: {fix}"},
        "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
    }


def _region(item: Finding) -> dict[str, int]:
    region = {"startLine": max(item.line, 1)}
    if item.column > 0:
        region["startColumn"] = item.column
    return region


def artifact_uri(path: str) -> str:
    """A file name as a relative URI reference (RFC 3986): `/` separates segments (a Windows
    `\\` too), everything else outside the unreserved set is percent-encoded as UTF-8, and
    bytes that were not UTF-8 (kept by Python as surrogates) as themselves."""
    raw = path.replace("\\", "/").encode("utf-8", "surrogateescape")
    # ":" is encoded too, so a first segment can never read as a scheme.
    return quote(raw, safe="/")

"""What a lint run produces: findings and the result that carries them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place, with what to do about it."""

    file: str
    line: int
    code: str
    severity: str
    address: str
    message: str
    fix: str
    column: int = 0

    def as_dict(self) -> dict[str, object]:
        """The JSON form: code, severity, file, line, column (0 when unknown), address,
        message, fix."""
        data = asdict(self)
        return {
            key: data[key]
            for key in ("code", "severity", "file", "line", "column", "address", "message", "fix")
        }


# A file that cannot be read or parsed: one finding, and the rest of the tree is still linted.
PARSE_ERROR = "BF000"
PARSE_ERROR_TITLE = "File cannot be parsed"
PARSE_ERROR_EXPLANATION = (
    "The file is not valid Terraform (HCL native syntax), or cannot be read as UTF-8 text. "
    "Nothing in it was checked; the rest of the tree was."
)
PARSE_ERROR_FIX = "correct the syntax at the position shown; `terraform validate` says the same"


@dataclass
class LintResult:
    """All findings of one run, plus what was read and how much the parse cache saved.

    `skipped` names files passed over because they are not regular files (FIFOs, sockets);
    `unreadable` names directories that could not be listed; `notes` say how a root module
    was judged where that is not the default (an older provider major, say).
    """

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    suppressed: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    skipped: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when any error-severity finding, else 0."""
        return 1 if any(finding.severity == "error" for finding in self.findings) else 0

    def codes(self) -> list[str]:
        """The distinct codes found, sorted."""
        return sorted({finding.code for finding in self.findings})

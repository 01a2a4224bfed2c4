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

    def as_dict(self) -> dict[str, object]:
        """The JSON form: code, severity, file, line, address, message, fix."""
        data = asdict(self)
        return {
            key: data[key]
            for key in ("code", "severity", "file", "line", "address", "message", "fix")
        }


@dataclass
class LintResult:
    """All findings of one run, plus what was read and how much the parse cache saved."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    suppressed: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    rendered: str = ""

    @property
    def exit_code(self) -> int:
        """1 when any error-severity finding, else 0."""
        return 1 if any(finding.severity == "error" for finding in self.findings) else 0

    def codes(self) -> list[str]:
        """The distinct codes found, sorted."""
        return sorted({finding.code for finding in self.findings})

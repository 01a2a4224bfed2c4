"""Reading spec files through the real CLI: hostile and mistaken input gets a clear error,
exit 2, nothing written, no hang and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from batchform.errors import SpecError
from batchform.specfile import display_path, parse_spec, starter_spec_text

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
name: demo
"""

VALID_YAML = """\
name: demo
compute_environments:
  - name: ondemand
    max_vcpus: 16
  - max_vcpus: 8
job_queues:
  - name: default
    compute_environments: [ondemand]
"""


def batchform(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args],
        capture_output=True, text=True, cwd=cwd, check=False, timeout=timeout,
    )


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, one `batchform:` message on stderr carrying every word, nothing else."""
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("batchform: "), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, f"{word!r} not in:\n{result.stderr}"


def generate(spec: Path, tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    result = batchform("generate", str(spec), "--out", "stack", cwd=tmp_path, timeout=timeout)
    if result.returncode != 0:
        assert not (tmp_path / "stack").exists()
    return result


# --- hostile YAML --------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    spec = tmp_path / "bomb.yaml"
    spec.write_text(BILLION_LAUGHS)
    refused(generate(spec, tmp_path, timeout=30), "bomb.yaml:", "aliases expand", "1,000,000")


def test_a_yaml_alias_that_contains_itself_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "loop.yaml"
    spec.write_text("name: &x [demo, *x]\n")
    refused(generate(spec, tmp_path, timeout=30), "loop.yaml:1:", "contains it")


@pytest.mark.parametrize(
    "name,text",
    [
        ("flow.yaml", "name: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("block.yaml", "".join(f"{'  ' * level}k{level}:\n" for level in range(200)) + "  " * 200 + "v\n"),
        ("through-aliases.yaml", "a: &a " + "[" * 40 + "]" * 40 + "\nb: &b " + "[*a, " * 40
         + "1" + "]" * 40 + "\nname: x\n"),
        ("array.toml", "name = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("array-100.toml", "name = " + "[" * 100 + "]" * 100 + "\n"),
        ("tables.toml", "[" + ".".join(f"t{level}" for level in range(100)) + "]\nk = 1\n"),
    ],
)
def test_nesting_deeper_than_64_levels_is_an_error_not_a_crash(
    tmp_path: Path, name: str, text: str
) -> None:
    spec = tmp_path / name
    spec.write_text(text)
    refused(generate(spec, tmp_path), f"{name}", "nested deeper than 64 levels")


def test_nesting_as_deep_as_a_spec_goes_is_fine() -> None:
    text = VALID_YAML.replace("  - max_vcpus: 8", "  - name: spare\n    max_vcpus: 8")
    text += "job_definitions:\n  - name: j\n    image: alpine\n    environment:\n" \
        "      A: b\n"
    assert parse_spec(text, source="s.yaml", suffix=".yaml").job_definitions[0].environment


# --- files that are not spec files --------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.toml"
    os.mkfifo(fifo)
    refused(generate(fifo, tmp_path, timeout=30), "spec.toml: is a named pipe (FIFO)",
            "give a spec file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    refused(generate(Path("/dev/zero"), tmp_path, timeout=30),
            "/dev/zero: is a character device")


def test_a_directory_given_as_the_spec(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    result = generate(tmp_path / "specs", tmp_path)
    refused(result, "specs: is a directory; give a spec file (TOML or YAML), e.g. ",
            "specs/batchform.toml")
    assert "Invalid value" not in result.stderr


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    spec = tmp_path / "huge.toml"
    with spec.open("wb") as stream:
        stream.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    refused(generate(spec, tmp_path, timeout=30), "huge.toml: larger than 16 MiB")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    for suffix in (".toml", ".yaml"):
        spec = tmp_path / f"bom{suffix}"
        spec.write_bytes(b"\xef\xbb\xbf" + starter_spec_text(suffix).encode())
        result = batchform("generate", str(spec), "--out", f"stack{suffix}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr


# --- the wrong format in the right file -----------------------------------------------------


def test_yaml_in_a_toml_file_says_so(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(VALID_YAML)
    refused(generate(spec, tmp_path), "not valid TOML",
            "this looks like YAML: name the file .yaml")


def test_toml_in_a_yaml_file_says_so(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(starter_spec_text(".toml"))
    refused(generate(spec, tmp_path), "spec.yaml", "this looks like TOML: name the file .toml")


def test_a_one_line_toml_spec_in_a_yaml_file_says_so() -> None:
    # YAML reads `name = "demo"` as a string: the spec is not a table.
    with pytest.raises(SpecError, match="not a str; this looks like TOML: name the file .toml"):
        parse_spec('name = "demo"\n', source="s.yml", suffix=".yml")


def test_broken_toml_that_is_not_yaml_gets_no_hint() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec('name = "demo\n', source="s.toml", suffix=".toml")
    assert "looks like" not in str(caught.value)


# --- fields named the way the user wrote them ---------------------------------------------


def test_elements_are_named_by_name_or_counted_from_one(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID_YAML.replace("max_vcpus: 16", "max_vcpu: 16"))
    result = generate(spec, tmp_path)
    refused(result, 'spec.yaml:4: compute_environments "ondemand": max_vcpu: unknown key',
            "spec.yaml:5: compute_environments[2]: name: required key 'name' is missing")


def test_an_empty_string_must_not_be_empty(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    text = starter_spec_text(".toml")
    spec.write_text(text.replace('image = "public.ecr.aws/docker/library/alpine:3.20"',
                                 'image = ""').replace('type = "EC2"', 'type = ""'))
    result = generate(spec, tmp_path)
    refused(result, 'job_definitions "hello": image: must not be empty\n',
            "compute_environments \"ondemand\": type: must not be empty; use one of 'EC2'")
    assert "out of range" not in result.stderr


def test_an_empty_name_keeps_the_advice() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(starter_spec_text().replace('name = "hello-batch"', 'name = ""'),
                   source="s.toml", suffix=".toml")
    (problem,) = caught.value.problems
    assert problem.field == "name"
    assert problem.message.startswith("must not be empty; the stack name prefixes every")


@pytest.mark.parametrize(
    "parts,expected",
    [
        (["name"], "name"),
        (["network", "cidr"], "network.cidr"),
        (["compute_environments", "0", "max_vcpus"], 'compute_environments "a": max_vcpus'),
        (["compute_environments", "1"], "compute_environments[2]"),
        (["job_queues", "0", "compute_environments", "1"],
         'job_queues "q": compute_environments[2]'),
        (["job_queues", "0", "fair_share", "shares"], 'job_queues "q": fair_share.shares'),
        (["job_queues", "5", "name"], "job_queues[6]: name"),
    ],
)
def test_display_path(parts: list[str], expected: str) -> None:
    data = {"compute_environments": [{"name": "a"}, {"max_vcpus": 1}],
            "job_queues": [{"name": "q", "compute_environments": ["a", "b"]}]}
    assert display_path(parts, data) == expected


def test_elements_with_the_same_name_are_counted() -> None:
    data = {"job_queues": [{"name": "q"}, {"name": "q"}]}
    assert display_path(["job_queues", "1", "name"], data) == "job_queues[2]: name"

"""Loading .tf files: the syntax tree with lines, parse errors, the content-hash cache, the pool."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from batchform.cache import default_cache_dir, open_cache
from batchform.errors import HclParseError, UsageError
from batchform.hcl.loader import Loader, find_tf_files, tree_store
from batchform.hcl.parser import parse_text
from batchform.hcl.syntax import Call, Template, Traversal
from batchform.lint import lint_paths

SEED = Path(__file__).parent / "lint" / "seed"


def test_blocks_and_attributes_keep_lines() -> None:
    source = parse_text(
        '# head\nresource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n\n'
        "  tags = {\n    Name = var.name\n  }\n}\n",
        "main.tf",
    )
    (block,) = source.blocks
    assert (block.type, block.labels, block.line, block.end_line) == (
        "resource",
        ("aws_vpc", "this"),
        2,
        8,
    )
    assert block.attributes["cidr_block"].line == 3
    assert block.attributes["tags"].line == 5
    assert block.file == "main.tf"


def test_expressions_and_heredocs() -> None:
    source = parse_text(
        'locals {\n  a = "x-${var.y}"\n  b = jsonencode({ k = 1 })\n'
        '  c = <<-EOT\n    {"image": "${var.image}"}\n  EOT\n}\n',
        "l.tf",
    )
    attributes = source.blocks[0].attributes
    a = attributes["a"].expr
    assert isinstance(a, Template) and a.parts[0] == "x-" and isinstance(a.parts[1], Traversal)
    assert isinstance(attributes["b"].expr, Call) and attributes["b"].expr.name == "jsonencode"
    heredoc = attributes["c"].expr
    assert isinstance(heredoc, Template) and heredoc.heredoc
    assert heredoc.parts[0] == '{"image": "'
    assert isinstance(heredoc.parts[1], Traversal) and heredoc.parts[1].line == 5


def test_ignore_comments_are_collected() -> None:
    source = parse_text(
        '# batchform:ignore BF001 replaced by hand\nresource "a" "b" {}\n'
        'resource "c" "d" { # batchform:ignore BF003, BF015 legacy\n}\n',
        "x.tf",
    )
    assert source.ignores == [(1, "BF001"), (3, "BF003"), (3, "BF015")]


def test_parse_error_names_file_and_line() -> None:
    with pytest.raises(HclParseError) as caught:
        parse_text('resource "a" "b" {\n  x = \n  y = 2\n', "broken.tf")
    assert caught.value.path == "broken.tf"
    assert caught.value.line == 2
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith("broken.tf:2: cannot parse")


def test_find_skips_terraform_dirs(tmp_path: Path) -> None:
    (tmp_path / ".terraform" / "modules").mkdir(parents=True)
    (tmp_path / ".terraform" / "modules" / "x.tf").write_text("")
    (tmp_path / "main.tf").write_text("")
    (tmp_path / "notes.txt").write_text("")
    assert find_tf_files([tmp_path]).files == [(tmp_path / "main.tf").resolve()]
    with pytest.raises(UsageError):
        find_tf_files([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no .tf files"):
        find_tf_files([tmp_path / "empty"])


def entries(cache_dir: Path) -> list[Path]:
    store = tree_store(open_cache(cache_dir))
    assert store is not None
    return [path for path in store.directory.iterdir() if not path.name.endswith(".tmp")]


def test_second_run_hits_the_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = lint_paths([SEED], cache=open_cache(cache_dir))
    assert cold.cache_hits == 0 and cold.cache_misses == 3
    assert len(entries(cache_dir)) == 3
    warm = lint_paths([SEED], cache=open_cache(cache_dir))
    assert warm.cache_hits == 3 and warm.cache_misses == 0
    assert warm.findings == cold.findings


def test_warm_load_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Loader(open_cache(tmp_path)).tree([SEED])
    from batchform.hcl import parser

    def refuse(text: str, path: str) -> None:
        raise AssertionError(f"parsed {path} although it was cached")

    monkeypatch.setattr(parser, "parse_text", refuse)
    started = time.perf_counter()
    tree = Loader(open_cache(tmp_path)).tree([SEED])
    assert tree.cache_hits == 3
    assert time.perf_counter() - started < 1.0


def test_changed_content_misses(tmp_path: Path) -> None:
    target = tmp_path / "stack"
    target.mkdir()
    (target / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    cache_dir = tmp_path / "cache"
    lint_paths([target], cache=open_cache(cache_dir))
    (target / "main.tf").write_text('resource "aws_vpc" "b" {}\n')
    result = lint_paths([target], cache=open_cache(cache_dir))
    assert result.cache_misses == 1


def test_cache_location_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATCHFORM_NO_CACHE", raising=False)
    monkeypatch.setenv("BATCHFORM_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.setenv("BATCHFORM_CACHE_DIR", "")
    assert default_cache_dir() is None
    monkeypatch.delenv("BATCHFORM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "batchform"
    monkeypatch.setenv("BATCHFORM_NO_CACHE", "1")
    assert default_cache_dir() is None


def test_corrupt_cache_entry_is_reparsed(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    lint_paths([SEED], cache=open_cache(cache_dir))
    for entry in entries(cache_dir):
        entry.write_text("{not json")
    result = lint_paths([SEED], cache=open_cache(cache_dir))
    assert result.cache_misses == 3
    assert "BF001" in result.codes()


GOLDEN_STACKS = sorted((Path(__file__).parent / "golden").glob("*/expected"))


def test_parallel_load_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from batchform.hcl import loader

    serial = Loader(None).tree(GOLDEN_STACKS)
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 1)
    parallel = Loader(open_cache(tmp_path)).tree(GOLDEN_STACKS)
    assert parallel.files() == serial.files()
    assert parallel.cache_misses > 0
    # What the workers parsed was stored: a second load parses nothing.
    warm = Loader(open_cache(tmp_path)).tree(GOLDEN_STACKS)
    assert warm.cache_misses == 0
    assert warm.files() == serial.files()


def test_parallel_load_reports_every_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from batchform.hcl import loader

    monkeypatch.setattr(loader, "PARALLEL_BYTES", 1)
    for index in range(6):
        (tmp_path / f"a{index}.tf").write_text(f'resource "aws_vpc" "v{index}" {{}}\n')
    (tmp_path / "b.tf").write_text('resource "a" "b" {\n  x = \n}\n')
    (tmp_path / "c.tf").write_text("c = = 1\n")
    tree = Loader(None, tmp_path).tree([tmp_path])
    errors = {error.path: error.line for error in tree.errors}
    assert errors == {"b.tf": 2, "c.tf": 1}
    assert len(tree.files()) == 6


def test_a_fifo_in_a_called_module_is_skipped_not_waited_on(tmp_path: Path) -> None:
    import os

    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "main.tf").write_text('module "m" {\n  source = "../mod"\n}\n')
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    os.mkfifo(tmp_path / "mod" / "pipe.tf")
    os.mkfifo(tmp_path / "root" / "pipe.tf")
    result = lint_paths([tmp_path / "root"], display_root=tmp_path)
    assert result.exit_code == 0
    assert sorted(result.skipped) == sorted(
        [f"{tmp_path / 'root' / 'pipe.tf'}: not a regular file, skipped",
         f"{tmp_path / 'mod' / 'pipe.tf'}: not a regular file, skipped"]
    )
    assert "mod/main.tf" in result.files


def test_an_unreadable_directory_is_reported(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads every directory")
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0)
    try:
        result = lint_paths([tmp_path])
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert any("locked: cannot read this directory" in line for line in result.unreadable)


def test_an_unlistable_directory_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    (tmp_path / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    (tmp_path / "locked").mkdir()
    listing = os.scandir

    def refuse(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return listing(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", refuse)
    result = lint_paths([tmp_path])
    assert result.unreadable == [f"{(tmp_path / 'locked').resolve()}: cannot read this "
                                 "directory (Permission denied)"]


def test_symlink_loops_end(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "self.tf").symlink_to(tmp_path / "a" / "self.tf")
    found = find_tf_files([tmp_path])
    assert found.files == [(tmp_path / "a" / "main.tf").resolve()]
    assert found.skipped == [f"{tmp_path / 'a' / 'self.tf'}: not a regular file, skipped"]


def test_one_broken_file_among_many_is_one_finding(tmp_path: Path) -> None:
    import json

    from batchform.lint.report import render

    for source in SEED.glob("*.tf"):
        (tmp_path / source.name).write_text(source.read_text())
    (tmp_path / "broken.tf").write_text('locals {\n  x = "\\uZZZZ"\n}\n')
    (tmp_path / "latin1.tf").write_bytes(b'# caf\xe9\n')
    result = lint_paths([tmp_path], display_root=tmp_path)
    parse_errors = [f for f in result.findings if f.code == "BF000"]
    assert [(f.file, f.line, f.column, f.severity) for f in parse_errors] == [
        ("broken.tf", 2, 8, "error"), ("latin1.tf", 1, 1, "error")]
    assert "Invalid escape sequence" in parse_errors[0].message
    assert {"BF001", "BF007", "BF011"} <= set(result.codes())
    assert result.exit_code == 1
    assert len(json.loads(render(result, "json"))) == len(result.findings)
    sarif = json.loads(render(result, "sarif"))
    (broken,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "BF000"
                 and "broken" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]]
    assert broken["locations"][0]["physicalLocation"]["region"] == {"startLine": 2,
                                                                   "startColumn": 8}


def test_identical_contents_are_parsed_once_without_a_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from batchform.hcl import loader, parser

    calls: list[str] = []
    real = parser.parse_text

    def counting(text: str, path: str):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(text, path)

    monkeypatch.setattr(parser, "parse_text", counting)
    text = 'resource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16"\n}\n'
    parsed = loader.parse_sources({"a/main.tf": text, "b/main.tf": text, "c/x.tf": "locals {}\n"})
    assert calls == ["a/main.tf", "c/x.tf"]
    assert parsed.sources["b/main.tf"].path == "b/main.tf"
    assert parsed.sources["b/main.tf"].blocks[0].file == "b/main.tf"
    first, second = parsed.sources["a/main.tf"].blocks[0], parsed.sources["b/main.tf"].blocks[0]
    assert first.attributes == second.attributes and first is not second


def test_lint_files_in_memory(tmp_path: Path) -> None:
    from batchform.lint.linter import lint_files

    files = {path.name: path.read_text() for path in SEED.glob("*.tf")}
    result = lint_files(files, root=tmp_path)
    assert {"BF001", "BF007", "BF011"} <= set(result.codes())
    assert not list(tmp_path.iterdir())  # nothing was written
    broken = lint_files({"main.tf": "x = = 1\n"}, root=tmp_path)
    assert broken.codes() == ["BF000"] and broken.exit_code == 1

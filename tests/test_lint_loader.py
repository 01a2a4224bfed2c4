"""Loading .tf files: the syntax tree with lines, parse errors, and the content-hash cache."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from batchform.errors import HclParseError, UsageError
from batchform.lint import lint_paths
from batchform.lint.cache import FORMAT, ParseCache, default_cache_dir
from batchform.lint.loader import find_tf_files, load_tree
from batchform.lint.parser import parse_text
from batchform.lint.syntax import Call, Template, Traversal

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
    assert find_tf_files([tmp_path]) == [(tmp_path / "main.tf").resolve()]
    with pytest.raises(UsageError):
        find_tf_files([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no .tf files"):
        find_tf_files([tmp_path / "empty"])


def test_second_run_hits_the_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = lint_paths([SEED], cache_dir=cache_dir)
    assert cold.cache_hits == 0 and cold.cache_misses == 3
    assert len(list((cache_dir / f"parse-{FORMAT}").glob("*.json"))) == 3
    warm = lint_paths([SEED], cache_dir=cache_dir)
    assert warm.cache_hits == 3 and warm.cache_misses == 0
    assert warm.findings == cold.findings


def test_warm_load_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ParseCache(tmp_path)
    load_tree([SEED], cache)
    from batchform.lint import parser

    def refuse(text: str, path: str) -> None:
        raise AssertionError(f"parsed {path} although it was cached")

    monkeypatch.setattr(parser, "parse_text", refuse)
    started = time.perf_counter()
    tree = load_tree([SEED], ParseCache(tmp_path))
    assert tree.cache_hits == 3
    assert time.perf_counter() - started < 1.0


def test_changed_content_misses(tmp_path: Path) -> None:
    target = tmp_path / "stack"
    target.mkdir()
    (target / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    cache_dir = tmp_path / "cache"
    lint_paths([target], cache_dir=cache_dir)
    (target / "main.tf").write_text('resource "aws_vpc" "b" {}\n')
    result = lint_paths([target], cache_dir=cache_dir)
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
    lint_paths([SEED], cache_dir=cache_dir)
    for entry in (cache_dir / f"parse-{FORMAT}").glob("*.json"):
        entry.write_text("{not json")
    result = lint_paths([SEED], cache_dir=cache_dir)
    assert result.cache_misses == 3
    assert "BF001" in result.codes()


GOLDEN_STACKS = sorted((Path(__file__).parent / "golden").glob("*/expected"))


def test_parallel_load_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from batchform.lint import loader

    serial = load_tree(GOLDEN_STACKS, ParseCache(None))
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 1)
    parallel = load_tree(GOLDEN_STACKS, ParseCache(tmp_path))
    assert parallel.files() == serial.files()
    assert parallel.cache_misses > 0
    # The workers stored what they parsed: a second load parses nothing.
    warm = load_tree(GOLDEN_STACKS, ParseCache(tmp_path))
    assert warm.cache_misses == 0
    assert warm.files() == serial.files()


def test_parallel_load_reports_the_first_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from batchform.lint import loader

    monkeypatch.setattr(loader, "PARALLEL_BYTES", 1)
    for index in range(6):
        (tmp_path / f"a{index}.tf").write_text(f'resource "aws_vpc" "v{index}" {{}}\n')
    (tmp_path / "b.tf").write_text('resource "a" "b" {\n  x = \n}\n')
    (tmp_path / "c.tf").write_text("c = = 1\n")
    with pytest.raises(HclParseError) as caught:
        load_tree([tmp_path], ParseCache(None), display_root=tmp_path)
    assert (caught.value.path, caught.value.line) == ("b.tf", 2)

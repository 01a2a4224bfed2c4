"""The front end's parser: what Terraform accepts it reads (checked against `terraform fmt`),
what Terraform refuses it refuses with file, line and column, positions, deep input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from batchform.errors import HclParseError
from batchform.hcl.loader import Loader
from batchform.hcl.parser import MAX_NESTING, parse_text
from batchform.hcl.syntax import Block, Conditional, Literal, Operation, Template, Traversal
from batchform.lint.engine.configuration import SourceConfiguration
from batchform.lint.engine.resolver import Resolver
from batchform.lint.engine.scope import Scope

CORPUS = Path(__file__).parent / "hcl" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.tf"))


def test_corpus_is_what_terraform_fmt_accepts(terraform_bin: str, tf_env: dict[str, str]) -> None:
    done = subprocess.run(
        [terraform_bin, "fmt", "-check", "-recursive", "-no-color", str(CORPUS)],
        capture_output=True, text=True, env=tf_env, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.stem)
def test_corpus_parses(path: Path) -> None:
    source = parse_text(path.read_text(), path.name)
    assert source.blocks


# Each refused by `terraform fmt` with the summary shown (checked by the test below).
INVALID = {
    "escape_u_digits": ('locals {\n  x = "\\uZZZZ"\n}\n', 2, "Invalid escape sequence",
                        "four hexadecimal digits"),
    "escape_too_large": ('locals {\n  x = "\\UFFFFFFFF"\n}\n', 2, "Invalid escape sequence",
                         "U+ffffffff"),
    "escape_beyond_unicode": ('locals {\n  x = "\\U00110000"\n}\n', 2,
                              "Invalid escape sequence", "U+110000"),
    "escape_selector": ('locals {\n  x = "a\\qb"\n}\n', 2, "Invalid escape sequence", '"q"'),
    "value_on_next_line": ('resource "a" "b" {\n  x =\n    1\n}\n', 2, "Invalid expression", ""),
    "missing_value": ('resource "a" "b" {\n  x = \n  y = 2\n', 2, "Invalid expression", ""),
    "unclosed_block": ('resource "a" "b" {\n  x = 1\n', 1, "Unclosed configuration block", ""),
    "unterminated_heredoc": ('locals {\n  x = <<EOT\nabc\n}\n', 5,
                             "Unterminated template string", ""),
}


@pytest.mark.parametrize("case", sorted(INVALID), ids=str)
def test_what_terraform_refuses_is_an_error_with_its_place(
    case: str, tmp_path: Path, terraform_bin: str, tf_env: dict[str, str]
) -> None:
    text, line, summary, detail = INVALID[case]
    (tmp_path / "x.tf").write_text(text)
    done = subprocess.run(
        [terraform_bin, "fmt", "-no-color", str(tmp_path / "x.tf")],
        capture_output=True, text=True, env=tf_env, timeout=60, check=False,
    )
    assert done.returncode != 0 and summary in done.stderr, done.stderr
    with pytest.raises(HclParseError) as caught:
        parse_text(text, "x.tf")
    error = caught.value
    assert (error.path, error.line) == ("x.tf", line)
    assert error.column is not None and error.column >= 1
    assert error.detail.startswith(summary) and detail in error.detail
    assert "Traceback" not in str(error)


def test_every_node_has_a_line_and_a_column() -> None:
    source = parse_text(
        'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n'
        '  tags = { Name = "é-${var.name}" }\n}\n',
        "main.tf",
    )
    (block,) = source.blocks
    assert (block.line, block.column) == (1, 1)
    cidr = block.attributes["cidr_block"]
    assert (cidr.line, cidr.column, cidr.expr.line, cidr.expr.column) == (2, 3, 2, 16)
    tags = block.attributes["tags"].expr
    (key, value), = tags.items  # type: ignore[attr-defined]
    assert (key.line, key.column) == (3, 12)
    assert isinstance(value, Template)
    reference = value.parts[1]
    # Columns count characters: "é" is two bytes and one column.
    assert isinstance(reference, Traversal) and (reference.line, reference.column) == (3, 24)


def test_template_text_keeps_its_spaces_and_escapes() -> None:
    source = parse_text(
        'locals {\n  a = "pre ${var.x} post"\n  b = "$${x} %%{y} \\"q\\" \\u00e9"\n'
        '  c = "${~ var.x ~}  after"\n}\n', "l.tf")
    attributes = source.blocks[0].attributes
    a = attributes["a"].expr
    assert isinstance(a, Template) and a.parts[0] == "pre " and a.parts[2] == " post"
    assert attributes["b"].expr == Template(('${x} %{y} "q" é',), 3, column=7)
    c = attributes["c"].expr
    assert isinstance(c, Template) and c.parts[1] == "after"


def test_heredocs() -> None:
    source = parse_text((CORPUS / "heredocs.tf").read_text(), "h.tf")
    attributes = source.blocks[0].attributes
    plain = attributes["plain"].expr
    assert isinstance(plain, Template) and plain.heredoc
    assert plain.parts[0] == "first " and plain.parts[2] == "\n  ${literal} %{literal}\n"
    flush = attributes["flush"].expr
    assert isinstance(flush, Template)
    assert flush.parts[0] == '{\n  "image": "' and flush.parts[2] == '"\n}\n'
    directive = attributes["directive"].expr
    assert isinstance(directive, Template) and directive.directive
    trailing = parse_text((CORPUS / "heredoc_trailing_spaces.tf").read_text(), "t.tf")
    assert trailing.blocks[0].attributes["trailing"].expr == Template(("text\n",), 2, True,
                                                                        column=14)


def test_blocks_terraform_added_and_quoted_references() -> None:
    source = parse_text((CORPUS / "constructs.tf").read_text(), "c.tf")
    kinds = [block.type for block in source.blocks]
    assert {"moved", "import", "removed", "check"} <= set(kinds)
    locals_block = next(block for block in source.blocks if block.type == "locals")
    call = locals_block.attributes["p"].expr
    assert call.name == "provider::aws::arn_parse"  # type: ignore[attr-defined]
    resource = source.blocks[-1]
    depends = resource.attributes["depends_on"].expr
    assert depends.items == (Template(("aws_iam_role.y",), 73, column=17),)  # type: ignore[attr-defined]


def evaluate_local(tmp_path: Path, body: str, **others: str) -> object:
    """The value the resolver gives `local.probe` for `probe = <body>` (and other locals)."""
    more = "".join(f"  {name} = {value}\n" for name, value in others.items())
    (tmp_path / "main.tf").write_text(f"locals {{\n  probe = {body}\n{more}}}\n")
    loader = Loader(None)
    tree = loader.tree([tmp_path])
    resolver = Resolver(loader.module_dir)
    stack = SourceConfiguration(resolver.root(tmp_path.resolve(), tree.modules[tmp_path.resolve()]))
    (source,) = tree.files()
    return resolver.evaluate(source.blocks[0].attributes["probe"].expr, Scope(stack.root))


# An operator at the start of a continuation line is still that operator.
LINE_BREAK_OPERATORS = {
    "logical": ("(true\n    && false\n  )", False),
    "logical_or": ("(false\n    || true\n  )", True),
    "comparison": ("(3\n    > 2\n  )", True),
    "equality": ('("a"\n    == "a"\n  )', True),
    "arithmetic": ("(2\n    * 3\n    + 1\n  )", 7),
    "conditional": ('(1 > 2\n    ? "yes"\n    : "no"\n  )', "no"),
}


@pytest.mark.parametrize("family", sorted(LINE_BREAK_OPERATORS), ids=str)
def test_operators_after_a_line_break_are_evaluated(family: str, tmp_path: Path) -> None:
    body, expected = LINE_BREAK_OPERATORS[family]
    assert evaluate_local(tmp_path, body) == expected


def test_operator_text_is_the_operator_alone() -> None:
    expr = parse_text("locals {\n  x = (var.a\n    && var.b)\n}\n", "x.tf").blocks[0] \
        .attributes["x"].expr
    assert isinstance(expr, Operation) and expr.op == "&&"
    conditional = parse_text("locals {\n  x = (var.a\n    ? 1\n    : 2)\n}\n", "x.tf") \
        .blocks[0].attributes["x"].expr
    assert isinstance(conditional, Conditional)


@pytest.mark.parametrize("depth", [400, 1000])
def test_deep_nesting_is_a_clear_error(depth: int) -> None:
    text = "locals {\n  x = " + "[" * depth + "1" + "]" * depth + "\n}\n"
    with pytest.raises(HclParseError, match="Nesting too deep") as caught:
        parse_text(text, "deep.tf")
    assert caught.value.line == 2 and str(MAX_NESTING) in caught.value.detail


def test_deep_blocks_are_a_clear_error() -> None:
    text = "".join(f"b{n} {{\n" for n in range(400)) + "}\n" * 400
    with pytest.raises(HclParseError, match="Nesting too deep"):
        parse_text(text, "deep.tf")


def test_a_thousand_term_expression_gives_a_result(tmp_path: Path) -> None:
    terms = " + ".join(["1"] * 1000)
    source = parse_text(f"locals {{\n  x = {terms}\n}}\n", "long.tf")
    expr = source.blocks[0].attributes["x"].expr
    assert isinstance(expr, Operation) and expr.op == "+"
    assert isinstance(expr.operands[1], Literal)
    from batchform.cache import open_cache
    from batchform.lint import lint_paths

    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "long.tf").write_text(f"locals {{\n  x = {terms}\n}}\n")
    for _ in range(2):  # cold, then through the cache (a tree this deep is not stored)
        result = lint_paths([tmp_path / "stack"], cache=open_cache(tmp_path / "cache"))
        assert result.findings == []


def test_labels_and_block_lines() -> None:
    source = parse_text('module "a" {\n  source = "./m"\n\n  x = 1\n}\n', "m.tf")
    (block,) = source.blocks
    assert isinstance(block, Block)
    assert (block.type, block.labels, block.line, block.end_line) == ("module", ("a",), 1, 5)


# Runs of `$` and `%` before `{`: HCL reads n of them (n > 1) as n - 1 and the brace, all
# literal; one is an interpolation or a directive. Each value is checked against terraform.
TEMPLATE_ESCAPES = {
    "dollar_1": '"a${local.y}b"',
    "dollar_2": '"a$${local.y}b"',
    "dollar_3": '"a$$${local.y}b"',
    "dollar_4": '"a$$$${local.y}b"',
    "dollar_5": '"$$$$${local.y}"',
    "dollar_3_then_interpolation": '"$$${local.y}-${local.y}"',
    "percent_3": '"%%%{x}"',
    "percent_4": '"%%%%{x}"',
    "heredoc_dollar_3": "<<EOT\na$$${local.y}\n${local.y}\nEOT\n",
    "heredoc_percent_3": "<<EOT\n%%%{x}\nEOT\n",
}


def test_escaped_openers_read_as_terraform_reads_them(
    tmp_path: Path, terraform_bin: str, tf_env: dict[str, str]
) -> None:
    outputs = "".join(f'output "{name}" {{\n  value = {expr}\n}}\n'
                      for name, expr in TEMPLATE_ESCAPES.items())
    stack = tmp_path / "terraform"
    stack.mkdir()
    (stack / "main.tf").write_text(f'locals {{\n  y = "Y"\n}}\n{outputs}')
    for command in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        done = subprocess.run([terraform_bin, *command, "-no-color"], cwd=stack, env=tf_env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    shown = subprocess.run([terraform_bin, "output", "-json"], cwd=stack, env=tf_env,
                           capture_output=True, text=True, timeout=60, check=True)
    terraform_says = {name: output["value"] for name, output in json.loads(shown.stdout).items()}
    ours = {}
    for name, expr in TEMPLATE_ESCAPES.items():
        case = tmp_path / name
        case.mkdir()
        ours[name] = evaluate_local(case, expr, y='"Y"')
    assert ours == terraform_says
    assert terraform_says["dollar_3"] == "a$${local.y}b"


def test_an_escaped_directive_leaves_its_end_unbalanced(
    tmp_path: Path, terraform_bin: str, tf_env: dict[str, str]
) -> None:
    text = 'output "v" {\n  value = "%%%{if true}a%{endif}"\n}\n'
    (tmp_path / "main.tf").write_text(text)
    done = subprocess.run([terraform_bin, "validate", "-no-color"], cwd=tmp_path, env=tf_env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert "Unexpected endif directive" in done.stderr, done.stderr
    with pytest.raises(HclParseError) as caught:
        parse_text(text, "main.tf")
    assert caught.value.line == 2
    assert caught.value.detail == (
        "Unexpected endif directive: The control directives within this template are "
        "unbalanced."
    )

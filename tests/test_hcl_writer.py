"""HCL literals and the layout terraform fmt writes."""

from __future__ import annotations

import pytest

from batchform import hcl

QUOTE_CASES = [
    ("plain", '"plain"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("line\nbreak\ttab\rcr", '"line\\nbreak\\ttab\\rcr"'),
    ("${var.x}", '"$${var.x}"'),
    ("%{ if x }", '"%%{ if x }"'),
    ("$${already}", '"$$${already}"'),
    ("cost: $5 {x}", '"cost: $5 {x}"'),
    ("\x00\x1b\x7f", '"\\u0000\\u001b\\u007f"'),
    ("\u2028", '"\\u2028"'),
    ("日本語 🚀", '"日本語 🚀"'),
]


@pytest.mark.parametrize(("value", "literal"), QUOTE_CASES)
def test_quote_escapes_what_hcl_would_interpret(value: str, literal: str) -> None:
    assert hcl.quote(value) == literal
    assert hcl.unquote(literal) == value


@pytest.mark.parametrize(
    ("text", "literal"),
    [('"a${b}"', False), ('"a$${b}"', True), ('"%{if}"', False), ('"a\\"${b}"', False),
     ('"$$${b}"', True), ('"plain"', True)],
)
def test_is_literal_tells_interpolation_from_escapes(text: str, literal: bool) -> None:
    assert hcl.is_literal(text) is literal


def test_unquote_rejects_unknown_escapes() -> None:
    with pytest.raises(ValueError, match="unknown escape"):
        hcl.unquote('"\\q"')


@pytest.mark.parametrize(
    ("name", "expected"),
    [("GREETING", "GREETING"), ("cost-center", "cost-center"), ("team:owner", '"team:owner"'),
     ("null", '"null"'), ("for", '"for"'), ("9lives", '"9lives"'), ("a b", '"a b"')],
)
def test_key_is_bare_only_for_plain_identifiers(name: str, expected: str) -> None:
    assert hcl.key(name) == expected


def test_literals() -> None:
    assert hcl.literal(["a", 1, 0.25, True]) == '["a", 1, 0.25, true]'
    assert hcl.number(2.0) == "2"
    with pytest.raises(TypeError):
        hcl.literal({"a": 1})


def test_object_lines_sorts_keys_and_is_empty_braces_when_empty() -> None:
    assert hcl.object_lines({}, 2) == "{}"
    assert hcl.object_lines({"b": "2", "a": "1"}, 2) == '{\n    a = "1"\n    b = "2"\n  }'


def test_align_lines_up_runs_of_one_line_attributes() -> None:
    text = 'x {\n  a = 1\n  long_name = "v"\n\n  b = 2\n  c = {\n    k = 1\n    kk = 2\n  }\n}'
    assert hcl.align(text) == (
        'x {\n  a         = 1\n  long_name = "v"\n\n  b = 2\n  c = {\n    k  = 1\n    kk = 2\n'
        "  }\n}"
    )


def test_align_ignores_equals_inside_strings_and_interpolations() -> None:
    text = '  a = "x = ${var.y == 1}"\n  bb = "{"'
    assert hcl.align(text) == '  a  = "x = ${var.y == 1}"\n  bb = "{"'


def test_align_breaks_runs_at_comments_and_multi_line_values() -> None:
    text = "  a = 1\n  # note\n  bbb = 2\n  c = [\n    1,\n  ]\n  dd = 3"
    assert hcl.align(text) == text


def test_tidy_drops_blank_lines_that_open_or_close_blocks() -> None:
    assert hcl.tidy("a {\n\n  b = 1\n\n\n  c = 2\n\n}\n\n") == "a {\n  b = 1\n\n  c = 2\n}\n"
    assert hcl.tidy("| a |\n\n\n| b |", code=False) == "| a |\n\n| b |\n"


# Format characters (Unicode category Cf) render invisibly or reorder the text around them: a
# raw right-to-left override in a .tf file shows a reviewer something other than what
# Terraform reads ("Trojan Source", CVE-2021-42574).
FORMAT_CHARACTERS = ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\U000e0001"]


@pytest.mark.parametrize("char", FORMAT_CHARACTERS, ids=lambda char: f"U+{ord(char):04X}")
def test_quote_escapes_format_characters(char: str) -> None:
    literal = hcl.quote(f"safe{char}text")
    assert char not in literal
    assert hcl.unquote(literal) == f"safe{char}text"


def test_no_raw_right_to_left_override_reaches_a_generated_file() -> None:
    from batchform.generate import render_stack
    from batchform.specfile import parse_spec, starter_spec_text

    text = starter_spec_text().replace('"hello world"', '"user\u202e\u2066admin"')
    assert "\u202e" in text
    files = render_stack(parse_spec(text, source="batchform.toml", suffix=".toml"))
    assert any("\\u202e" in text for text in files.values())
    assert [name for name, text in files.items() if "\u202e" in text or "\u2066" in text] == []

"""The starter spec: `batchform init` writes TOML or YAML as the file name says, both say the
same, required keys are marked, and every network mode works by uncommenting its own keys."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from batchform.generate import generate_stack, render_stack
from batchform.spec import ComputeEnvironment, JobDefinition, JobQueue, Spec
from batchform.specfile import parse_spec, starter_spec_text

FORMATS = [".toml", ".yaml"]
MODES = ["nat", "public", "endpoints", "existing"]
PRIVATE_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello:latest"


def batchform(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args],
        capture_output=True, text=True, cwd=cwd, check=False, timeout=120,
    )


def comments(text: str) -> list[str]:
    """Every comment of a spec in order, commented-out settings reduced to their key."""
    found = []
    for line in text.splitlines():
        if "#" not in line:
            continue
        comment = line[line.index("#"):].strip() if line.lstrip().startswith("#") else \
            line[line.index("  #") + 2:].strip() if "  #" in line else ""
        setting = re.match(r"# ([a-z0-9_]+)\s*[:=]", comment)
        found.append(f"# {setting.group(1)} (setting)" if setting else comment)
    return [comment for comment in found if comment]


def with_mode(text: str, mode: str) -> str:
    """The starter with `mode` switched and the keys listed under that mode uncommented."""
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if re.match(rf"\s*# {mode}: ", line))
    for index in range(heading + 1, len(lines)):
        if not lines[index].strip():
            break
        lines[index] = re.sub(r"^(\s*)# ([a-z_]+)(\s*[:=])", r"\1\2\3", lines[index])
    switched = "\n".join(lines) + "\n"
    old = 'mode = "nat"' if 'mode = "nat"' in switched else "mode: nat"
    return switched.replace(old, old.replace("nat", mode), 1)


def with_private_image(text: str) -> str:
    """The starter with the commented private ECR image in place of the public one."""
    lines = [line for line in text.splitlines() if "public.ecr.aws" not in line]
    return "\n".join(re.sub(r"^(\s*)# (image\s*[:=])", r"\1\2", line) for line in lines) + "\n"


@pytest.mark.parametrize("suffix", FORMATS)
def test_init_writes_the_format_the_file_name_says_and_its_next_step_works(
    tmp_path: Path, suffix: str
) -> None:
    name = f"my spec{suffix}"
    result = batchform("init", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / name).read_text()
    if suffix == ".yaml":
        assert isinstance(yaml.safe_load(text), dict) and "name: hello-batch" in text
    else:
        assert tomllib.loads(text)["name"] == "hello-batch"
    next_step = result.stdout.rsplit("then run: ", 1)[1].strip()
    assert next_step == f"batchform generate 'my spec{suffix}' --out stack"
    program, *arguments = shlex.split(next_step)
    assert program == "batchform"
    generated = batchform(*arguments, cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "stack" / "main.tf").is_file()


@pytest.mark.parametrize("name", ["spec.json", "spec", "spec.tf"])
def test_init_refuses_other_formats_with_the_list(tmp_path: Path, name: str) -> None:
    result = batchform("init", name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"batchform: {name}: batchform reads TOML (.toml) and YAML "
                                    "(.yaml, .yml) specs")
    assert not (tmp_path / name).exists()


def test_init_into_a_directory_says_so(tmp_path: Path) -> None:
    (tmp_path / "specs.toml").mkdir()
    result = batchform("init", "specs.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("batchform: specs.toml: is a directory")


def test_yaml_starter_says_what_the_toml_one_says() -> None:
    toml_text, yaml_text = starter_spec_text(".toml"), starter_spec_text(".yaml")
    assert yaml.safe_load(yaml_text) == tomllib.loads(toml_text)
    assert comments(yaml_text) == comments(toml_text)
    assert starter_spec_text(".yml") == yaml_text


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("mode", MODES)
def test_every_network_mode_generates_by_uncommenting_its_own_keys(
    suffix: str, mode: str
) -> None:
    text = with_mode(starter_spec_text(suffix), mode)
    if mode == "endpoints":
        # Nothing can pull a public image without internet: the starter says so at `image`.
        with pytest.raises(Exception, match="not in the account's private ECR"):
            parse_spec(text, source=f"s{suffix}", suffix=suffix)
        text = with_private_image(text)
    spec = parse_spec(text, source=f"s{suffix}", suffix=suffix)
    assert spec.network.mode == mode
    files = render_stack(spec)
    assert "main.tf" in files and "modules/network/main.tf" in files


def test_uncommented_mode_keys_are_read() -> None:
    spec = parse_spec(with_mode(starter_spec_text(".yaml"), "existing"), source="s.yaml",
                      suffix=".yaml")
    assert spec.network.vpc_id == "vpc-0123456789abcdef0"
    assert spec.network.subnet_ids and len(spec.network.subnet_ids) == 2


@pytest.mark.parametrize("suffix", FORMATS)
def test_the_starter_in_each_format_generates_the_default_stack(
    tmp_path: Path, suffix: str
) -> None:
    spec = tmp_path / f"spec{suffix}"
    spec.write_text(starter_spec_text(suffix))
    generate_stack(spec, tmp_path / "stack")
    generate_stack(None, tmp_path / "default")
    assert (tmp_path / "stack" / "main.tf").read_text() == (
        tmp_path / "default" / "main.tf").read_text()


def required_keys() -> list[tuple[str | None, str]]:
    """(list the key belongs to, key) for every key the spec models require."""
    models: list[tuple[str | None, type[BaseModel]]] = [
        (None, Spec), ("compute_environments", ComputeEnvironment), ("job_queues", JobQueue),
        ("job_definitions", JobDefinition),
    ]
    return [(section, key) for section, model in models
            for key, info in model.model_fields.items() if info.is_required()]


@pytest.mark.parametrize("section,key", required_keys(), ids=lambda value: str(value))
def test_every_required_key_is_marked_required(section: str | None, key: str) -> None:
    lines = starter_spec_text(".toml").splitlines()
    start = 0 if section is None else lines.index(f"[[{section}]]")
    for index in range(start, len(lines)):
        line = lines[index]
        if section is not None and index > start and line.startswith("["):
            break  # the next table: the key is not in this one
        if line == f"[[{key}]]" or re.match(rf"{key}\s*=", line):
            above = lines[index - 1] if index else ""
            assert "required" in line.lower() or "required" in above.lower(), line
            return
    raise AssertionError(f"{key} is not in the starter spec")


def documented_keys() -> list[tuple[str, str]]:
    """(model, key) for every key of the spec's models and of the tables they nest."""
    from batchform import spec_options
    from batchform.spec import FairShare, Network

    models: list[type[BaseModel]] = [
        Spec, Network, ComputeEnvironment, JobQueue, FairShare, JobDefinition,
        spec_options.LaunchTemplate, spec_options.UpdatePolicy, spec_options.Volume,
        spec_options.EfsVolume, spec_options.Retry, spec_options.ExitCondition,
        spec_options.LinuxParameters, spec_options.Ulimit, spec_options.Iam,
        spec_options.S3Backend, spec_options.Backend,
    ]
    return [(model.__name__, key) for model in models for key in model.model_fields
            if (model.__name__, key) not in NOT_IN_STARTER]


# Keys of nested tables the starter's comments explain without a setting of their own.
NOT_IN_STARTER = {("EfsVolume", "root_directory"), ("EfsVolume", "transit_encryption"),
                  ("EfsVolume", "security_group_id"), ("Volume", "host_path"),
                  ("ExitCondition", "on_status_reason"), ("ExitCondition", "on_reason"),
                  ("S3Backend", "region"), ("S3Backend", "encrypt")}


@pytest.mark.parametrize("model,key", documented_keys(), ids=lambda value: str(value))
def test_every_key_is_in_the_starter_spec(model: str, key: str) -> None:
    text = starter_spec_text(".toml")
    assert re.search(rf"\b{key}\s*=|^\[\[?{key}\]\]?$", text, re.M), f"{model}.{key}"

"""What generate may touch: only paths inside --out, never through a link, never the user's
files (`.batchform-*` names and Terraform override files included), never a directory that is
not its own; through the real CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from batchform.generate import MANIFEST
from batchform.specfile import starter_spec_text

SPEC_A = starter_spec_text()
SPEC_B = SPEC_A.replace("max_vcpus = 64", "max_vcpus = 128")


def batchform(*args: str, cwd: Path, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args],
        capture_output=True, text=True, cwd=cwd, check=False, timeout=120,
        env={**os.environ, **(env or {})},
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project directory with spec a.toml, spec b.toml and stack/ generated from a.toml."""
    (tmp_path / "a.toml").write_text(SPEC_A)
    (tmp_path / "b.toml").write_text(SPEC_B)
    result = batchform("generate", "a.toml", "--out", "stack", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def tamper(stack: Path, entries: dict[str, str]) -> None:
    manifest = json.loads((stack / MANIFEST).read_text())
    manifest["files"].update(entries)
    (stack / MANIFEST).write_text(json.dumps(manifest))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the manifest is not trusted ------------------------------------------------------------


@pytest.mark.parametrize("entry", ["../a.toml", "/PROJECT/a.toml", "../../etc/hostname",
                                   "modules/../../a.toml", "./main.tf", "modules//x.tf"])
@pytest.mark.parametrize("check", [False, True])
def test_manifest_entries_outside_out_are_refused(
    project: Path, entry: str, check: bool
) -> None:
    outside = project / "a.toml"
    entry = entry.replace("/PROJECT", str(project))
    tamper(project / "stack", {entry: sha(outside)})
    before = {**snapshot(project)}
    # b.toml no longer generates the entry: a trusting generate would delete it as its own.
    result = batchform("generate", "b.toml", "--out", "stack", *(["--check"] if check else []),
                       cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"batchform: stack/{MANIFEST}: entry {entry!r} is not a "
                                    "path inside stack")
    assert "nothing was deleted or shown" in result.stderr
    assert result.stdout == ""
    assert snapshot(project) == before


def link_out(project: Path, inside: str) -> Path:
    """Replace stack/<inside> (a generated directory) with a link to a directory outside."""
    outside = project / "elsewhere"
    (project / "stack" / inside).rename(outside)
    (outside / "main.tf").write_text("secret = true\n")
    (project / "stack" / inside).symlink_to(outside)
    return outside


@pytest.mark.parametrize("check", [False, True])
def test_a_symlinked_subdirectory_is_never_followed(project: Path, check: bool) -> None:
    outside = link_out(project, "modules/network")
    before = snapshot(outside)
    result = batchform("generate", "b.toml", "--out", "stack", *(["--check"] if check else []),
                       cwd=project)
    assert result.returncode == 2, result.stderr
    assert "modules/network: is a symbolic link" in result.stderr
    assert "secret" not in result.stdout + result.stderr
    assert snapshot(outside) == before


def test_a_symlinked_file_is_never_read_or_replaced(project: Path) -> None:
    secret = project / "secret.txt"
    secret.write_text("secret = true\n")
    (project / "stack" / "outputs.tf").unlink()
    (project / "stack" / "outputs.tf").symlink_to(secret)
    for check in ([], ["--check"]):
        result = batchform("generate", "b.toml", "--out", "stack", *check, cwd=project)
        assert result.returncode == 2, result.stderr
        assert "outputs.tf: is a symbolic link where batchform keeps a file" in result.stderr
        assert "secret" not in result.stdout
    assert secret.read_text() == "secret = true\n"
    assert (project / "stack" / "outputs.tf").is_symlink()


# --- the user's files ---------------------------------------------------------------------


USER_FILES = {
    ".batchform-notes": b"mine\n",
    ".batchform-old-1234": b"also mine\n",
    "modules/network/.batchform-keep": b"keep\n",
    "main_override.tf": b'locals { extra = "mine" }\n',
    "override.tf": b"# mine\n",
    "modules/network/override.tf": b"# mine too\n",
    "modules/job_queue/queue_override.tf.json": b"{}\n",
}


def test_user_files_named_like_batchform_files_are_never_touched(project: Path) -> None:
    stack = project / "stack"
    for name, data in USER_FILES.items():
        (stack / name).write_bytes(data)
    # The spec itself lives in --out under a name staged files once used.
    spec = stack / ".batchform-spec.toml"
    spec.write_text(SPEC_B)
    for args in (["b.toml"], [str(spec)], ["a.toml"], ["b.toml", "--check"]):
        result = batchform("generate", *args, "--out", "stack", cwd=project)
        assert result.returncode in (0, 1), result.stderr
        assert "override" not in result.stdout + result.stderr
        for name, data in USER_FILES.items():
            assert (stack / name).read_bytes() == data, name
        assert spec.read_text() == SPEC_B
    assert not [path for path in stack.iterdir() if path.name.startswith(".batchform-stage-")]
    assert not (stack / ".batchform.lock").exists()


def test_check_ignores_override_files(project: Path) -> None:
    for name, data in USER_FILES.items():
        (project / "stack" / name).write_bytes(data)
    result = batchform("generate", "a.toml", "--out", "stack", "--check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "stack: up to date\n"


def test_an_override_file_in_the_manifest_is_still_the_users(project: Path) -> None:
    stack = project / "stack"
    (stack / "modules/network/override.tf").write_bytes(b"# mine\n")
    tamper(stack, {"modules/network/override.tf": sha(stack / "modules/network/override.tf")})
    result = batchform("generate", "b.toml", "--out", "stack", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (stack / "modules/network/override.tf").read_bytes() == b"# mine\n"
    assert "override" not in (stack / MANIFEST).read_text()


# --- which directories generate writes into -------------------------------------------------


def test_a_non_empty_directory_batchform_never_wrote_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(SPEC_A)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("buy milk\n")
    result = batchform("generate", "a.toml", "--out", "notes", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("batchform: notes: is not empty and holds no "
                                    f"{MANIFEST}, so batchform did not write it")
    assert "--force" in result.stderr
    assert snapshot(tmp_path / "notes") == {"todo.txt": b"buy milk\n"}
    forced = batchform("generate", "a.toml", "--out", "notes", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "notes" / "todo.txt").read_text() == "buy milk\n"
    assert (tmp_path / "notes" / "main.tf").is_file()


def test_the_home_directory_is_refused_even_with_force(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".bashrc").write_text("# mine\n")
    for force in ([], ["--force"]):
        result = batchform("generate", "--out", str(home), *force, cwd=tmp_path,
                           env={"HOME": str(home)})
        assert result.returncode == 2
        assert "is your home directory, which is not empty" in result.stderr
    assert sorted(path.name for path in home.iterdir()) == [".bashrc", ".ssh"]


def test_an_empty_home_directory_is_just_a_directory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = batchform("generate", "--out", str(home), cwd=tmp_path, env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr


def test_the_file_system_root_is_refused(tmp_path: Path) -> None:
    # Inside a namespace where / is read-only: were the refusal missing, nothing could land.
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -o remount,ro,bind / && "
                            "! touch /.batchform-probe 2>/dev/null"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("needs unshare -rm and a read-only bind remount of /")
    script = f"mount -o remount,ro,bind / && exec {sys.executable} -m batchform generate --out /"
    for extra in ("", " --force"):
        result = subprocess.run(["unshare", "-rm", "sh", "-c", script + extra], cwd=tmp_path,
                                capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("batchform: /: is the file system root, which is not "
                                        "empty;"), result.stderr


def test_a_symlinked_out_is_followed_and_the_summary_says_where(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = batchform("generate", "--out", "link", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"link (-> {tmp_path / 'real'}): 26 written")
    assert (tmp_path / "real" / "main.tf").is_file()
    again = batchform("generate", "--out", "link", "--check", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_a_dangling_symlinked_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    result = batchform("generate", "--out", "link", cwd=tmp_path)
    assert result.returncode == 2
    assert "link: is a symbolic link to nothing" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_no_cache_parses_everything_afresh(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"BATCHFORM_CACHE_DIR": str(cache)}
    result = batchform("generate", "--out", "a", "--no-cache", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert not list(cache.glob("loads-*"))
    cached = batchform("generate", "--out", "b", cwd=tmp_path, env=env)
    assert cached.returncode == 0, cached.stderr
    assert [entry for entry in cache.glob("loads-*/*") if entry.is_file()]

"""The one cache: where it lives, who may own it, entries checked on read, and the parse-back of
`generate` going through it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from batchform import cache as cache_module
from batchform import roundtrip
from batchform.cache import Store, default_cache_dir, digest, open_cache
from batchform.errors import RoundTripError
from batchform.render import plan_stack, render_terraform
from batchform.specfile import load_spec


def store_in(directory: Path, version: str = "v1") -> Store:
    cache = open_cache(directory)
    assert cache is not None
    store = cache.store("test", version)
    assert store is not None
    return store


def test_store_round_trip_and_misses(tmp_path: Path) -> None:
    store = store_in(tmp_path / "store")
    key = digest("a")
    assert store.get(key) is None
    store.put(key, b"payload \x00\xff")
    assert store.get(key) == b"payload \x00\xff"
    assert (store.hits, store.misses) == (1, 1)
    assert not list(store.directory.glob("*.tmp"))


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    key = digest("a")
    store.put(key, b"payload")
    entry = store.directory / key
    data = entry.read_bytes()
    entry.write_bytes(data[:-1] + b"X")  # the payload no longer matches its checksum
    assert store.get(key) is None
    entry.write_bytes(data[:10])  # truncated header
    assert store.get(key) is None
    assert store.misses == 2


def test_an_entry_moved_to_another_key_is_a_miss(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.put(digest("a"), b"tree of a")
    (store.directory / digest("a")).rename(store.directory / digest("b"))
    assert store.get(digest("b")) is None


def test_an_entry_of_another_version_is_a_miss(tmp_path: Path) -> None:
    old = store_in(tmp_path, "v1")
    old.put(digest("a"), b"old")
    new = store_in(tmp_path, "v2")
    assert new.directory != old.directory
    (old.directory / digest("a")).rename(new.directory / digest("a"))
    assert new.get(digest("a")) is None


def test_a_fifo_entry_is_a_miss_not_a_hang(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    os.mkfifo(store.directory / digest("a"))
    assert store.get(digest("a")) is None


def test_a_symlinked_entry_is_a_miss(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.put(digest("a"), b"x")
    (store.directory / digest("b")).symlink_to(store.directory / digest("a"))
    assert store.get(digest("b")) is None


def test_unwritable_directory_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert open_cache(blocked / "store") is None


def test_created_private(tmp_path: Path) -> None:
    store = store_in(tmp_path / "new" / "cache")
    assert (tmp_path / "new" / "cache").stat().st_mode & 0o777 == 0o700
    assert store.directory.stat().st_mode & 0o777 == 0o700
    store.put(digest("a"), b"x")
    assert (store.directory / digest("a")).stat().st_mode & 0o077 == 0


def test_a_directory_others_can_write_is_ignored_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_warned", set())
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert open_cache(shared) is None
    assert open_cache(shared) is None
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and str(shared) in err and "group or others" in err


def test_a_directory_of_another_user_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cache_module, "_warned", set())
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    assert open_cache(tmp_path) is None
    assert "owned by another user" in capsys.readouterr().err


def test_default_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BATCHFORM_NO_CACHE", raising=False)
    monkeypatch.setenv("BATCHFORM_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.setenv("BATCHFORM_NO_CACHE", "1")
    assert default_cache_dir() is None
    assert roundtrip.loads_cache() is None


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


@pytest.fixture
def files() -> dict[str, str]:
    rendered = render_terraform(plan_stack(load_spec(None)))
    return {path: text for path, text in rendered.items() if path.endswith(".tf")}


def test_parse_back_through_the_cache_equals_a_fresh_parse(
    tmp_path: Path, files: dict[str, str]
) -> None:
    fresh = roundtrip.parse_files(files)
    cold = store_in(tmp_path)
    assert roundtrip.parse_files(files, cold) == fresh
    assert cold.hits == 0
    assert len(list(cold.directory.iterdir())) == len(set(files.values()))
    warm = store_in(tmp_path)
    assert roundtrip.parse_files(files, warm) == fresh
    assert (warm.hits, warm.misses) == (len(files), 0)


def test_a_corrupt_parse_entry_is_parsed_again(tmp_path: Path, files: dict[str, str]) -> None:
    import msgpack  # type: ignore[import-untyped]

    store = store_in(tmp_path)
    roundtrip.parse_files(files, store)
    store.put(digest(files["main.tf"]), msgpack.packb([]))  # valid data of the wrong shape
    again = store_in(tmp_path)
    assert roundtrip.parse_files(files, again) == roundtrip.parse_files(files)
    assert again.hits == len(files)  # the entry checked out; its shape did not
    assert again.get(digest(files["main.tf"])) is not None


def test_a_cached_parse_still_fails_the_round_trip_check(
    tmp_path: Path, files: dict[str, str]
) -> None:
    spec = load_spec(None)
    roundtrip.check_round_trip(spec, files, store_in(tmp_path))
    broken = dict(files)
    broken["main.tf"] = files["main.tf"].replace("module \"network\"", "module \"net\"", 1)
    with pytest.raises(RoundTripError):
        roundtrip.check_round_trip(spec, broken, store_in(tmp_path))


def test_cache_key_follows_the_python_hcl2_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BATCHFORM_NO_CACHE", raising=False)
    monkeypatch.setenv("BATCHFORM_CACHE_DIR", str(tmp_path))
    store = roundtrip.loads_cache()
    assert store is not None
    assert store.directory.parent == tmp_path
    assert store.directory.name.startswith("loads-")
    monkeypatch.setattr(roundtrip, "_hcl2_build", lambda: "other")
    other = roundtrip.loads_cache()
    assert other is not None and other.directory != store.directory


@pytest.mark.parametrize(
    "planted",
    [{"module": [{"network": "not a block"}]}, {"module": [{"network": {"__is_block__": 1}}]},
     {"provider": [{"aws": {"default_tags": "x", "__is_block__": True}}]}],
    ids=["label-without-body", "empty-body", "wrong-nested-shape"],
)
def test_a_well_formed_entry_of_the_wrong_content_never_fails_generate(
    tmp_path: Path, files: dict[str, str], planted: dict[str, object]
) -> None:
    import msgpack  # type: ignore[import-untyped]

    spec = load_spec(None)
    store = store_in(tmp_path)
    store.put(digest(files["main.tf"]), msgpack.packb(planted))
    parsed = roundtrip.check_round_trip(spec, files, store)
    assert parsed["main.tf"] == roundtrip.parse("main.tf", files["main.tf"])
    # The fresh parse replaced the planted entry.
    assert roundtrip.parse_files(files, store_in(tmp_path))["main.tf"] == parsed["main.tf"]

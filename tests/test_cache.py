"""The content-keyed cache store, and the parse-back of `generate` going through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchform import roundtrip
from batchform.cache import JsonStore, default_cache_dir, digest
from batchform.errors import RoundTripError
from batchform.render import plan_stack, render_terraform
from batchform.specfile import load_spec


def test_store_round_trip_and_misses(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "store")
    assert store.get("a") is None
    store.put("a", {"x": [1, 2.5, "s", None, True]})
    assert store.get("a") == {"x": [1, 2.5, "s", None, True]}
    assert (store.hits, store.misses) == (1, 1)
    assert not list((tmp_path / "store").glob("*.tmp"))


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    store = JsonStore(tmp_path)
    (tmp_path / "a.json").write_text('{"trunc')
    assert store.get("a") is None
    assert store.misses == 1


def test_unwritable_directory_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    store = JsonStore(blocked / "store")
    store.put("a", {})
    assert store.get("a") is None


def test_default_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BATCHFORM_NO_CACHE", raising=False)
    monkeypatch.setenv("BATCHFORM_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.setenv("BATCHFORM_NO_CACHE", "1")
    assert default_cache_dir() is None
    assert roundtrip.loads_cache() is None


@pytest.fixture
def files() -> dict[str, str]:
    rendered = render_terraform(plan_stack(load_spec(None)))
    return {path: text for path, text in rendered.items() if path.endswith(".tf")}


def test_parse_back_through_the_cache_equals_a_fresh_parse(
    tmp_path: Path, files: dict[str, str]
) -> None:
    fresh = roundtrip.parse_files(files)
    cold = JsonStore(tmp_path)
    assert roundtrip.parse_files(files, cold) == fresh
    assert cold.hits == 0
    assert len(list(tmp_path.glob("*.json"))) == len(set(files.values()))
    warm = JsonStore(tmp_path)
    assert roundtrip.parse_files(files, warm) == fresh
    assert (warm.hits, warm.misses) == (len(files), 0)


def test_a_corrupt_parse_entry_is_parsed_again(tmp_path: Path, files: dict[str, str]) -> None:
    store = JsonStore(tmp_path)
    roundtrip.parse_files(files, store)
    entry = tmp_path / f"{digest(files['main.tf'])}.json"
    entry.write_text("[]")  # valid JSON of the wrong shape
    again = JsonStore(tmp_path)
    assert roundtrip.parse_files(files, again) == roundtrip.parse_files(files)
    assert again.misses == 1


def test_a_cached_parse_still_fails_the_round_trip_check(
    tmp_path: Path, files: dict[str, str]
) -> None:
    spec = load_spec(None)
    store = JsonStore(tmp_path)
    roundtrip.check_round_trip(spec, files, store)
    broken = dict(files)
    broken["main.tf"] = files["main.tf"].replace("module \"network\"", "module \"net\"", 1)
    with pytest.raises(RoundTripError):
        roundtrip.check_round_trip(spec, broken, JsonStore(tmp_path))


def test_cache_key_follows_the_python_hcl2_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BATCHFORM_NO_CACHE", raising=False)
    monkeypatch.setenv("BATCHFORM_CACHE_DIR", str(tmp_path))
    store = roundtrip.loads_cache()
    assert store is not None
    assert store.directory.parent == tmp_path
    assert store.directory.name.startswith(f"loads-{roundtrip.LOADS_FORMAT}-")
    monkeypatch.setattr(roundtrip, "_hcl2_build", lambda: "other")
    other = roundtrip.loads_cache()
    assert other is not None and other.directory != store.directory

"""The model as a library: reproducible build, file format, active model, retrain.

Training here uses a small subset (a few dozen notes) so the suite stays fast."""
from __future__ import annotations

import pytest

from portal.sensitive import model_version, scan, use_model
from portal.sensitive.model import settings
from portal.sensitive.modelfile import SHIPPED_MODEL, load, save
from portal.sensitive.training import dev_examples, evaluate, retrain, shipped_examples, train


@pytest.fixture(scope="module")
def subset() -> list[dict]:
    examples = shipped_examples()
    # every category present, both languages, negatives too: every 60th note (~370)
    return examples[::60]


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return dev_examples()[::15]


def test_same_data_and_seed_give_a_byte_identical_file(subset, tmp_path) -> None:
    first, second = train(subset, seed=7), train(subset, seed=7)
    save(first, tmp_path / "a.model")
    save(second, tmp_path / "b.model")
    assert (tmp_path / "a.model").read_bytes() == (tmp_path / "b.model").read_bytes()
    assert first.version == second.version
    loaded = load(tmp_path / "a.model")
    assert loaded.version == first.version
    text = "Madame prend quelque chose pour le moral."
    assert (loaded.full_scores(text) == first.full_scores(text)).all()


def _plain_copy(source, target) -> None:
    """``source`` rewritten as files were before 2026-12-07: the arrays as plain float32 and no
    ``encoding`` field (what a landlord's retrained model in instance/ may still be)."""
    import json
    import struct
    import zlib

    import numpy as np

    from portal.sensitive.modelfile import MAGIC, array_sizes

    payload = zlib.decompress(source.read_bytes()[len(MAGIC):])
    (length,) = struct.unpack("<Q", payload[:8])
    header = json.loads(payload[8:8 + length])
    assert header.pop("encoding") == "byteshuffle-f4"
    planes = np.frombuffer(payload[8 + length:], dtype=np.uint8)
    plain, offset = [], 0
    for size in array_sizes(header["n_features"]):
        plain.append(planes[offset:offset + 4 * size].reshape(4, size).T.tobytes())
        offset += 4 * size
    head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    target.write_bytes(MAGIC + zlib.compress(struct.pack("<Q", len(head)) + head + b"".join(plain), 9))


def test_the_file_keeps_every_weight_exactly_and_older_plain_files_still_load(subset, tmp_path) -> None:
    import numpy as np

    model = train(subset, seed=7)
    save(model, tmp_path / "new.model")
    _plain_copy(tmp_path / "new.model", tmp_path / "old.model")
    # the byte-plane encoding is what keeps the shipped file under its budget
    assert (tmp_path / "new.model").stat().st_size < (tmp_path / "old.model").stat().st_size
    text = "Mme Roux voit des choses qui n'existent pas, hospitalisée la semaine dernière."
    for path in ("new.model", "old.model"):
        loaded = load(tmp_path / path)
        assert loaded.version == model.version
        for name in ("fast_coef", "fast_bias", "full_coef", "full_bias", "any_coef", "any_bias"):
            assert np.array_equal(getattr(loaded, name), getattr(model, name)), (path, name)
        assert np.array_equal(np.asarray(loaded.featurizer.idf), np.asarray(model.featurizer.idf))
        assert (loaded.full_scores(text) == model.full_scores(text)).all()


def test_other_data_or_seed_give_another_version(subset) -> None:
    base = train(subset, seed=7)
    assert train(subset[:-1], seed=7).version != base.version
    assert train(subset, seed=8).version != base.version


def test_the_shipped_model_loads_and_is_active_by_default() -> None:
    shipped = load(SHIPPED_MODEL)
    # a budget for the package (10.0 MB for 59,967 training notes in the sixth round of 2026-12-06;
    # 12 MB from that round; 14 MB from the fifteenth round of 2026-12-07, decided before N16 was built:
    # the sentence encoder we depend on installs 32.9 MB, and the file grows by about 0.13 MB per 1,000
    # training notes: README, "Data, reproducibility, versions")
    assert SHIPPED_MODEL.stat().st_size < 14_000_000
    use_model(None)
    assert model_version() == shipped.version
    assert model_version().startswith("guard-")


def test_a_missing_or_broken_model_file_falls_back_to_the_shipped_one(tmp_path) -> None:
    shipped = load(SHIPPED_MODEL).version
    try:
        assert use_model(tmp_path / "missing.model") == shipped
        (tmp_path / "broken.model").write_bytes(b"not a model")
        assert use_model(tmp_path / "broken.model") == shipped
        # the right magic, then a truncated body: still the shipped model, no crash
        (tmp_path / "truncated.model").write_bytes(SHIPPED_MODEL.read_bytes()[:5000])
        assert use_model(tmp_path / "truncated.model") == shipped
        assert scan("Locataire séropositif.") != []
    finally:
        use_model(None)


def test_use_model_switches_the_active_model(subset, tmp_path) -> None:
    small = train(subset, seed=3)
    save(small, tmp_path / "instance.model")
    try:
        assert use_model(tmp_path / "instance.model") == small.version
        assert model_version() == small.version
    finally:
        use_model(None)
    assert model_version() == load(SHIPPED_MODEL).version


def test_retrain_does_not_replace_with_a_worse_model(subset, heldout) -> None:
    current = train(subset, seed=0)
    # "review decisions" that are wrong: innocent notes labelled as health data
    noisy = [{**ex, "sensitive": True, "categories": ["health"]} for ex in dev_examples() if not ex["sensitive"]][:60]
    chosen, figures, replaced = retrain(subset, noisy, heldout, current, seed=0)
    assert figures["new"]["overall"]["precision"] < figures["current"]["overall"]["precision"]
    assert replaced is False and chosen is current


def test_retrain_keeps_the_decision_settings_and_reports_figures(subset, heldout) -> None:
    current = train(subset, seed=0)
    chosen, figures, replaced = retrain(subset, [], heldout, current, seed=0)
    assert set(figures) == {"new", "current"}
    assert {"precision", "recall", "f1"} <= set(figures["new"]["overall"])
    assert replaced is True  # same data, same seed: not worse
    assert settings(chosen) == settings(current)


def test_evaluate_reports_overall_category_and_language_figures(heldout) -> None:
    figures = evaluate(load(SHIPPED_MODEL), heldout)
    assert {"overall", "health", "lang:fr", "lang:en"} <= set(figures)
    vocab_only = evaluate(None, heldout)
    assert figures["overall"]["recall"] >= vocab_only["overall"]["recall"]


def test_the_operating_point_raises_every_threshold_by_the_same_logit_shift() -> None:
    # R9 (eighth round): thresholds tuned by F-beta are moved up by OPERATING_SHIFT in logit space
    from portal.sensitive.training import OPERATING_SHIFT, _shifted

    moved = _shifted({"health": 0.5, "offence": 0.3}, OPERATING_SHIFT)
    assert OPERATING_SHIFT > 0
    assert moved["health"] > 0.5 and moved["offence"] > 0.3
    assert _shifted({"health": 0.5}, 0.25) == {"health": 0.5622}


def test_the_file_records_the_numeric_stack_that_made_its_weights(subset, tmp_path) -> None:
    """The build is byte-reproducible on one numeric stack only: the file says which one."""
    from importlib import metadata

    from portal.sensitive.modelfile import read_header

    save(train(subset, seed=7), tmp_path / "m.model")
    stack = read_header(tmp_path / "m.model")["built_with"]
    assert stack["numpy"] == metadata.version("numpy")
    assert stack["scikit-learn"] == metadata.version("scikit-learn")
    assert set(stack) == {"numpy", "scipy", "scikit-learn", "python"}

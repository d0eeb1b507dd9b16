"""The guard model's file: where the shipped model and its training data live, how a
model is written (:func:`save`, byte-identical for the same model) and read back
(:func:`load`, which refuses anything it cannot trust so the caller can fall back on the
shipped model).

The file is ``MAGIC`` + zlib(header length, JSON header, float32 arrays); no pickle.
"""
from __future__ import annotations

import json
import platform
import struct
import zlib
from importlib import metadata
from pathlib import Path

import numpy as np

from .features import Featurizer
from .model import FORMAT, USE_DIM, Model
from .vocab import CATEGORIES

MAGIC = b"PSGUARD1"


def save(model: Model, path: str | Path) -> None:
    """Write ``model`` to ``path`` (byte-identical for the same model)."""
    header = {
        "format": FORMAT, "version": model.version, "params": model.params, "data_hash": model.data_hash,
        "n_examples": model.n_examples, "categories": list(CATEGORIES), "thresholds": model.thresholds,
        "fast_thresholds": model.fast_thresholds, "gate": model.gate, "sure": model.sure, "veto": model.veto,
        "sensitive_threshold": model.sensitive_threshold, "veto_note": model.veto_note, "ambiguous": model.ambiguous,
        "features": model.featurizer.names, "n_features": len(model.featurizer.names),
    }
    arrays = [np.asarray(model.featurizer.idf, dtype=np.float32), model.fast_coef, model.fast_bias,
              model.full_coef, model.full_bias, model.any_coef, model.any_bias]
    header["encoding"] = ENCODING
    header["built_with"] = numeric_stack()
    head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    body = b"".join(_shuffled(a) for a in arrays)
    payload = struct.pack("<Q", len(head)) + head + body
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(MAGIC + zlib.compress(payload, 9))
    tmp.replace(path)


# How the float32 arrays are laid out in the file (a header field, not part of FORMAT: the
# encoding changes no score, so it does not change a model's version). "byteshuffle-f4" (since
# 2026-12-07): each array's 4-byte little-endian floats stored byte plane by byte plane (all first
# bytes, then all second bytes...), a lossless permutation that lets zlib find the repeated sign and
# exponent bytes: 6 % smaller than "f4" (plain) on guard-58447791db287ffd, same load time. Files
# without the field are plain and still load (a model retrained in instance/ survives an upgrade).
PLAIN, ENCODING = "f4", "byteshuffle-f4"


def numeric_stack() -> dict:
    """The versions of the libraries whose arithmetic makes the weights, written in the file's header
    as ``built_with`` (not part of the version: it changes no score). Same data and seed give the same
    file on one numeric stack only: on another one (sixteenth round, docs/guard-rounds/) N15's data gave
    weights within 0.0018 of the shipped file's, hence another version."""
    stack = {name: metadata.version(name) for name in ("numpy", "scipy", "scikit-learn")}
    stack["python"] = platform.python_version()
    return stack


def array_sizes(n_features: int) -> list[int]:
    """The number of floats of each array in the file, in order: idf, fast coefficients and biases,
    full coefficients and biases, "sensitive at all" coefficients and bias."""
    n, k = n_features, len(CATEGORIES)
    return [n, n * k, k, (n + USE_DIM) * (k + 1), k + 1, n, 1]


def _shuffled(array) -> bytes:
    return np.ascontiguousarray(array, dtype="<f4").reshape(-1).view(np.uint8).reshape(-1, 4).T.tobytes()


def _unshuffled(raw: np.ndarray, encoding: str) -> np.ndarray:
    if encoding == PLAIN:
        return raw.view("<f4").astype(np.float32)
    return np.ascontiguousarray(raw.reshape(4, -1).T).view("<f4").reshape(-1).astype(np.float32)


def load(path: str | Path) -> Model:
    """Read a model written by :func:`save`; ``ValueError`` for anything else (a truncated
    or foreign file, an older format), so the caller can fall back on the shipped model."""
    try:
        return _load(path)
    except (KeyError, TypeError, IndexError, struct.error, zlib.error, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: unreadable guard model ({error!r})") from error


def read_header(path: str | Path) -> dict:
    """The JSON header of a model file (version, settings, ``built_with``...), arrays not read."""
    return _read(path)[0]


def _read(path: str | Path) -> tuple[dict, bytes]:
    """(header, the arrays' bytes) of a file written by :func:`save`."""
    raw = Path(path).read_bytes()
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path}: not a guard model file")
    payload = zlib.decompress(raw[len(MAGIC):])
    (length,) = struct.unpack("<Q", payload[:8])
    return json.loads(payload[8:8 + length].decode("utf-8")), payload[8 + length:]


def _load(path: str | Path) -> Model:
    header, arrays = _read(path)
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: unsupported model format {header.get('format')!r}")
    if list(header["categories"]) != list(CATEGORIES):
        raise ValueError(f"{path}: categories differ from this code's")
    encoding = header.get("encoding", PLAIN)
    if encoding not in (PLAIN, ENCODING):
        raise ValueError(f"{path}: unsupported array encoding {encoding!r}")
    n, k = header["n_features"], len(CATEGORIES)
    body = np.frombuffer(arrays, dtype=np.uint8)
    sizes = array_sizes(n)
    if body.size != 4 * sum(sizes):
        raise ValueError(f"{path}: truncated arrays")
    parts, offset = [], 0
    for size in sizes:
        parts.append(_unshuffled(body[offset:offset + 4 * size], encoding))
        offset += 4 * size
    idf, fast_coef, fast_bias, full_coef, full_bias, any_coef, any_bias = parts
    model = Model(Featurizer(header["features"], idf), fast_coef.reshape(n, k), fast_bias,
                  full_coef.reshape(n + USE_DIM, k + 1), full_bias, any_coef.reshape(n, 1), any_bias,
                  header["params"], header["data_hash"],
                  header["thresholds"], header["fast_thresholds"], header["gate"], header["sure"],
                  header["veto"], header["sensitive_threshold"], header["veto_note"],
                  header.get("ambiguous", {}), header.get("n_examples", 0))
    if model.version != header["version"]:
        raise ValueError(f"{path}: version mismatch (corrupt file?)")
    return model


DATA_DIR = Path(__file__).with_name("data")
TRAIN_FILE = DATA_DIR / "train" / "train.jsonl"
DEV_FILE = DATA_DIR / "train" / "dev.jsonl"
SHIPPED_MODEL = DATA_DIR / "model" / "guard.model"


def read_jsonl(path: str | Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]



"""Build ``train/train.jsonl`` and ``train/dev.jsonl`` from the hand-written ``source/`` notes.

    python -m portal.sensitive.data.build_data

Deterministic (fixed seed, sorted inputs): the same sources give byte-identical files.
On top of the hand-written notes it adds, for a share of them, *surface* variants (accents
stripped, upper case, one or two typos, SMS-style lower case without punctuation) and
*long* notes where one hand-written note is buried among 2-5 operational sentences of
``source/operational.txt``. A variant or long note always lands in the same split as the
note it was made from (a hash of the base note's text picks the split: ~20 % dev), so dev
never sees a paraphrase of a training note. The vocabulary's tune set and the shared
sample (``tests/sensitive/data``) are added to the training split when present; the
held-out set there is never used.
"""
from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
TRAIN_DIR = HERE / "train"
REPO_TESTS = HERE.parents[2] / "tests" / "sensitive" / "data"
CODES = {"H": "health", "O": "offence", "E": "origin", "R": "religion", "P": "politics_union",
         "S": "sex_life", "X": "social_precarity", "J": "subjective"}
SEED = 2026
DEV_SHARE = 0.2
FOLDS = 5  # folds of train + dev for out-of-fold tuning (1 / DEV_SHARE: fold 0 is dev)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _entries(path: Path) -> Iterator[tuple[int, str, str, str]]:
    """(line number, language, register, text) of each entry of a source file: blank lines
    and `#` comments skipped, `@lang` and `@register` apply to the lines after them."""
    lang, register = "fr", "manager"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@lang "):
            lang = line.split()[1]
        elif line.startswith("@register "):
            register = line.split()[1]
        else:
            yield number, lang, register, line


def read_sources() -> list[dict]:
    notes = []
    for path in sorted(SOURCE.glob("*.txt")):
        if path.name == "operational.txt":
            continue
        for number, lang, register, line in _entries(path):
            codes, _, text = line.partition(" | ")
            cats = [] if codes.strip() == "-" else sorted({CODES[c] for c in codes.strip().split("+")})
            # a newline inside a note is written "\\n" (one note per line in the sources)
            text = text.strip().replace("\\n", "\n")
            notes.append({"id": f"{path.stem}-{number:04d}", "lang": lang, "text": text,
                          "sensitive": bool(cats), "categories": cats, "register": register})
    return notes


def read_operational() -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {"fr": [], "en": []}
    for _, lang, _, line in _entries(SOURCE / "operational.txt"):
        pools[lang].append(line)
    return pools


def read_repo_sets() -> list[dict]:
    notes = []
    for name in ("notes_tune.jsonl", "shared_sample.jsonl"):
        path = REPO_TESTS / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                notes.append({"id": f"{path.stem}-{row['id']}", "lang": row["lang"], "text": row["text"],
                              "sensitive": bool(row["sensitive"]), "categories": sorted(row["categories"]),
                              "register": "vocab_tune_set", "_train_only": True})
    return notes


def _share(text: str) -> float:
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def is_dev(text: str) -> bool:
    return _share(text) < DEV_SHARE


def fold_of(text: str) -> int:
    """Cross-validation fold (0..FOLDS-1) of a base note: fold 0 is exactly the dev split,
    so a variant or long note shares its base note's fold."""
    return min(FOLDS - 1, int(_share(text) * FOLDS))


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    for index in rng.sample(candidates, min(len(candidates), rng.choice((1, 2)))):
        w = words[index]
        k = rng.randrange(1, len(w) - 1)
        op = rng.choice(("swap", "drop", "double"))
        if op == "swap":
            w = w[:k] + w[k + 1] + w[k] + w[k + 2:]
        elif op == "drop":
            w = w[:k] + w[k + 1:]
        else:
            w = w[:k] + w[k] + w[k:]
        words[index] = w
    return " ".join(words)


def _sms(text: str) -> str:
    out = _strip_accents(text).lower()
    for a, b in ((" est ", " é "), (" pour ", " pr "), (" dans ", " ds "), (" tout ", " tt "),
                 (" beaucoup ", " bcp "), (" rendez-vous ", " rdv "), (" with ", " w/ "), (" because ", " bc ")):
        out = out.replace(a, b)
    return "".join(c for c in out if c not in ".,;:!()«»\"").strip()


def variants(base: list[dict], rng: random.Random) -> list[dict]:
    out = []
    for note in base:
        if rng.random() > 0.42:
            continue
        text = note["text"]
        kinds = ["upper", "typo", "sms"] + (["noaccent"] * 2 if _strip_accents(text) != text else [])
        kind = rng.choice(kinds)
        new = {"upper": text.upper(), "typo": _typo(text, rng), "sms": _sms(text),
               "noaccent": _strip_accents(text)}[kind]
        if new != text:
            out.append({**note, "id": f"{note['id']}-{kind}", "text": new, "register": f"{note['register']}+{kind}",
                        "_base": note["text"]})
    return out


def long_notes(base: list[dict], pools: dict[str, list[str]], rng: random.Random, count: int) -> list[dict]:
    out = []
    positives = [n for n in base if n["sensitive"]]
    negatives = [n for n in base if not n["sensitive"]]
    for number in range(count):
        note = rng.choice(positives if rng.random() < 0.5 else negatives)
        pool = pools[note["lang"]]
        sentences = rng.sample(pool, rng.randint(2, 5))
        sentences.insert(rng.randint(0, len(sentences)), note["text"].rstrip(".") + ".")
        out.append({**note, "id": f"long-{number:04d}", "text": " ".join(sentences),
                    "register": f"long:{note['register']}", "_base": note["text"]})
    return out


def build() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    hand = read_sources()
    repo = read_repo_sets()
    base = hand + repo
    pools = read_operational()
    made = variants(base, rng) + long_notes(hand, pools, rng, 850)
    # each operational sentence alone is a (routine) negative note too
    made += [{"id": f"operational-{lang}-{i:03d}", "lang": lang, "text": text, "sensitive": False,
              "categories": [], "register": "operational"}
             for lang in sorted(pools) for i, text in enumerate(pools[lang])]
    seen: set[str] = set()
    train, dev = [], []
    for note in base + made:
        if note["text"] in seen:
            continue
        seen.add(note["text"])
        origin = note.get("_base", note["text"])
        # the vocabulary's tune set and notes made from it are always trained on
        train_only = bool(note.get("_train_only")) or (
            note.get("_train_only") is None and any(r.get("_train_only") and r["text"] == origin for r in repo))
        target = train if train_only or not is_dev(origin) else dev
        row = {k: note[k] for k in ("id", "lang", "text", "sensitive", "categories", "register")}
        # cross-validation fold; -1: trained on in every fold, never scored out of fold
        row["fold"] = -1 if train_only else fold_of(origin)
        target.append(row)
    return train, dev


def write(rows: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    train, dev = build()
    TRAIN_DIR.mkdir(exist_ok=True)
    write(train, TRAIN_DIR / "train.jsonl")
    write(dev, TRAIN_DIR / "dev.jsonl")
    for name, rows in (("train", train), ("dev", dev)):
        neg = sum(not r["sensitive"] for r in rows)
        print(f"{name}: {len(rows)} notes, {neg} not sensitive ({neg / len(rows):.0%}), "
              f"fr {sum(r['lang'] == 'fr' for r in rows)}, en {sum(r['lang'] == 'en' for r in rows)}")


if __name__ == "__main__":
    main()

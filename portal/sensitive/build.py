"""Rebuild the shipped model from the shipped data (deterministic).

    python -m portal.sensitive.data.build_data   # source/*.txt -> train/{train,dev}.jsonl
    python -m portal.sensitive.build             # 5 fold models + 1 final, settings tuned out of fold
                                                 # -> data/model/guard.model

Same data and seed give a byte-identical model file; its version is printed.
"""
from __future__ import annotations

import logging
import sys
import time

from .model import SHIPPED_MODEL
from .training import build_shipped


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    started = time.perf_counter()
    model = build_shipped(SHIPPED_MODEL, seed=seed)
    print(f"{model.version}  {SHIPPED_MODEL}  {SHIPPED_MODEL.stat().st_size} bytes  "
          f"{model.n_examples} training notes  {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

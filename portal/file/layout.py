"""How the PDF copy lays out long lists fast.

WeasyPrint spends ~5 ms per HTML table row but under 1 ms per paragraph. Long sections
are therefore "ledgers": one paragraph per record, its short values aligned in columns
with tab characters. Pango puts tab stops every `tab-size` (WeasyPrint 70 reads the
number as device pixels whatever the unit), so with 1px stops we place each value at an
exact x by measuring the text before it with the font's own advance widths (fontTools
over the DejaVu Sans files; kerning is turned off in ledger rows so the sum is exact).
Long free text (notes, descriptions) follows its record as a wrapped paragraph.
Short sections keep real tables: their cost is negligible and they wrap naturally."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from portal.catalogue import Field

FONT_FILES = {"regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}
FONT_PX = 11 * 4 / 3  # ledger rows are 11pt (copy.css); WeasyPrint measures in CSS px
TEXT_WIDTH_PX = 182 / 25.4 * 96  # A4 minus 2 × 14 mm margins (copy.css)
ROW_PADDING_PX = 4  # .ledger p padding-left (see copy.css)
GAP_PX = 14
TABLE_MAX_ROWS = 4  # up to this many rows, a real table (wraps long values nicely)
SHORT_TYPES = {"date", "datetime", "money", "int", "float", "bool", "choice", "language",
               "phone", "email", "text"}
MAX_COLUMN_PX = 230
# Tab stops every TAB_PX: fewer tab glyphs to paint than 1px stops (painting hundreds of
# tabs per line doubled the PDF writing time); column starts are multiples of TAB_PX, so
# left edges are exact, and right-aligned amounts are padded with figure spaces.
TAB_PX = 8
FIGURE_SPACE = "\u2007"  # as wide as a digit in DejaVu Sans


class _Metrics:
    """Advance widths of DejaVu Sans (regular or bold) in px at the ledger font size."""

    def __init__(self, path: str) -> None:
        from fontTools.ttLib import TTFont

        font = TTFont(path, lazy=True)
        self.cmap = font.getBestCmap()
        self.hmtx = font["hmtx"]
        self.scale = FONT_PX / font["head"].unitsPerEm
        self.fallback = font["head"].unitsPerEm * 0.6
        self.cache: dict[str, float] = {}

    def width(self, text: str) -> float:
        w = self.cache.get(text)
        if w is None:
            total = 0.0
            for ch in text:
                glyph = self.cmap.get(ord(ch))
                total += self.hmtx[glyph][0] if glyph else self.fallback
            w = total * self.scale
            if len(self.cache) < 50_000:
                self.cache[text] = w
        return w


@lru_cache(maxsize=2)
def metrics(weight: str = "regular") -> _Metrics:
    return _Metrics(FONT_FILES[weight])


def available() -> bool:
    """The ledger needs the DejaVu files; without them every section is a table."""
    try:
        metrics("regular"), metrics("bold")
        return True
    except Exception:  # noqa: BLE001 - missing font files or fontTools
        return False


@dataclass(frozen=True)
class Column:
    field: Field
    start: float  # px from the row's text start
    width: float
    right: bool  # right-aligned (amounts, numbers)


def _is_short(f: Field) -> bool:
    return f.type in SHORT_TYPES


def plan_columns(fields: tuple[Field, ...], cells: list[dict[str, str]], labels: dict[str, str]
                 ) -> tuple[list[Column], list[Field]] | None:
    """Columns for the short fields that fit side by side; the rest go below each row.
    None when not even one column fits (the caller falls back to a table)."""
    reg, bold = metrics("regular"), metrics("bold")
    natural: dict[str, float] = {}
    for f in fields:
        if not _is_short(f) or not any(c[f.key] for c in cells):
            continue  # long text goes below the line; a column empty on every row is left out
        widest = max((reg.width(c[f.key]) for c in cells), default=0.0)
        natural[f.key] = max(widest, bold.width(labels[f.key]))
    below = [f for f in fields if f.key not in natural or natural[f.key] > MAX_COLUMN_PX]
    inline = [f for f in fields if f not in below]
    limit = TEXT_WIDTH_PX - 2 * ROW_PADDING_PX
    while inline and sum(natural[f.key] for f in inline) + GAP_PX * (len(inline) - 1) > limit:
        widest = max(inline, key=lambda f: natural[f.key])
        inline.remove(widest)
        below.append(widest)
    if not inline:
        return None
    columns, x = [], 0.0
    for f in inline:
        w = natural[f.key]
        start = float(-(-int(x) // TAB_PX) * TAB_PX)  # next multiple of TAB_PX
        columns.append(Column(f, start, w, f.type in ("money", "int", "float")))
        x = start + w + GAP_PX
    below_order = [f for f in fields if f in below]
    return columns, below_order


def ledger_line(columns: list[Column], values: dict[str, str], weight: str = "regular") -> Markup:
    """One record's short values on one line, each at its column's x (tab stops every
    TAB_PX). A plain space precedes each jump so extracted text keeps values apart."""
    m = metrics(weight)
    space, figure = m.width(" "), m.width(FIGURE_SPACE)
    out: list[str] = []
    x = 0.0
    for n, col in enumerate(columns):
        text = values[col.field.key]
        if col.right:
            pad = int(round((col.width - m.width(text)) / figure))
            text_w = m.width(text) + pad * figure
        else:
            pad, text_w = 0, m.width(text)
        if n:
            out.append(" ")
            x += space
            tabs = max(1, int(col.start // TAB_PX) - int(x // TAB_PX))
            out.append("\t" * tabs)
            x = float((int(x // TAB_PX) + tabs) * TAB_PX)
        out.append(FIGURE_SPACE * pad + str(escape(text)))
        x += text_w
    return Markup("".join(out))


def header_line(columns: list[Column], labels: dict[str, str]) -> Markup:
    return ledger_line(columns, {c.field.key: labels[c.field.key] for c in columns}, "bold")


def estimate_seconds(rows: int) -> float:
    """A rough layout time for a file of `rows` records (measured ~1 ms per ledger row
    plus fixed costs), to decide whether to render in the background."""
    return 0.6 + rows * 0.0012


def clean(value: Any) -> str:
    """A displayed value on one ledger line (tabs and line breaks would break columns)."""
    return " ".join(str(value).split())

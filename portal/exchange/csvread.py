"""Reading a landlord CSV file as spreadsheets in France write them: UTF-8 with or
without a byte-order mark, or Windows-1252; comma, semicolon or tab separators (sniffed
from the header line); quoted cells spanning several lines. Rows come with the number
of the line they start on, for `file:line:column` messages."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Callable, Iterator

from portal.csvsafe import restore

CHUNK = 1 << 22


class Unreadable(Exception):
    """Neither UTF-8 nor Windows-1252; args: (line, lazy-message-free reason)."""


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' when the whole file is valid UTF-8 (BOM or not), else 'cp1252' when
    every byte is a Windows-1252 character; Unreadable(line) otherwise."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                break
            line += chunk.count(b"\n")
        else:
            try:
                decoder.decode(b"", final=True)
                return "utf-8-sig"
            except UnicodeDecodeError:
                pass
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise Unreadable(line + chunk[: exc.start].count(b"\n")) from None
            line += chunk.count(b"\n")
    return "cp1252"


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class Rows:
    """Iterate (line number, cells) over a CSV file; `header` holds the first row."""

    def __init__(self, path: Path, encoding: str, progress: Callable[[int], None] | None = None) -> None:
        self.path = path
        self.encoding = encoding
        self.progress = progress
        self._fh = path.open("r", encoding=encoding, newline="")
        first = self._fh.readline()
        self._fh.seek(0)
        self.delimiter = sniff_delimiter(first)
        self._read = 0
        self._reader = csv.reader(self._lines(), delimiter=self.delimiter)
        try:
            self.header = [h.strip().lstrip("\ufeff").strip().lower() for h in next(self._reader)]
        except StopIteration:
            self.header = []

    def _lines(self) -> Iterator[str]:
        report = self.progress
        pending = 0
        for line in self._fh:
            pending += len(line)
            if pending > 1 << 20 and report is not None:
                report(pending)
                pending = 0
            yield line
        if report is not None and pending:
            report(pending)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        last = reader.line_num
        for cells in reader:
            start = last + 1
            last = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            yield start, [restore(c) for c in cells]  # cells neutralised by export-csv (portal/csvsafe.py)

    def close(self) -> None:
        self._fh.close()

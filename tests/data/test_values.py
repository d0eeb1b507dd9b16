"""Cells as spreadsheets in France write them: dates, amounts, numbers, yes/no."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.exchange.csvformat import BadValue, format_cell, parse_bool, parse_date, parse_datetime, parse_float, parse_money
from portal.exchange.csvread import Rows, detect_encoding, sniff_delimiter


@pytest.mark.parametrize("text,cents", [
    ("1234.56", 123456), ("1 234,56", 123456), ("1\u00a0234,56", 123456), ("1\u202f234,56", 123456),
    ("1.234,56", 123456), ("1,234.56", 123456), ("-12,5", -1250), ("0", 0), ("612,40 €", 61240),
])
def test_amounts_in_french_and_international_forms(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize("text", ["12,345", "1,2,3", "abc", "12.3.4", "NaN", "1e5x"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(BadValue):
        parse_money(text)


def test_dates_french_and_iso_and_impossible_ones():
    assert parse_date("31/01/2026") == date(2026, 1, 31) == parse_date("2026-01-31")
    assert parse_date("5/3/1970") == date(1970, 3, 5)
    for bad in ("31/02/2026", "2026-13-01", "01-31-2026", "demain"):
        with pytest.raises(BadValue):
            parse_date(bad)
    assert parse_datetime("31/01/2026 14:30") == datetime(2026, 1, 31, 14, 30)
    assert parse_datetime("2026-01-31 14:30:05.250000") == datetime(2026, 1, 31, 14, 30, 5, 250000)
    assert parse_datetime("2026-01-31T14:30:00+01:00") == datetime(2026, 1, 31, 13, 30)


def test_numbers_and_yes_no():
    assert parse_float("64,5") == 64.5 and parse_bool("oui") is True and parse_bool("false") is False
    with pytest.raises(BadValue):
        parse_bool("peut-être")


def test_export_formats_round_trip_through_the_parsers():
    assert parse_money(format_cell("money", -123456)) == -123456
    dt = datetime(2026, 11, 28, 17, 28, 28, 182225)
    assert parse_datetime(format_cell("datetime", dt)) == dt


def test_encodings_and_separators_are_detected(tmp_path):
    latin = tmp_path / "a.csv"
    latin.write_bytes("nom;prénom\r\nLefèvre;Hélène\r\n".encode("cp1252"))
    assert detect_encoding(latin) == "cp1252"
    bom = tmp_path / "b.csv"
    bom.write_bytes("\ufeffnom,prénom\nLefèvre,\"Hélène\nsur deux lignes\"\nB,C\n".encode("utf-8"))
    assert detect_encoding(bom) == "utf-8-sig"
    rows = Rows(bom, "utf-8-sig")
    assert rows.header == ["nom", "prénom"]
    assert [line for line, _cells in rows] == [2, 4]  # the quoted cell spans lines 2-3
    rows.close()
    assert sniff_delimiter("a;b;c") == ";" and sniff_delimiter("a,b") == "," and sniff_delimiter("a\tb") == "\t"

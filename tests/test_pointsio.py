"""Reading and writing --points: formats, headers, row numbers, JSON lines."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from adcli.batch.writers import CsvWriter, JsonlWriter
from adcli.errors import UsageError
from adcli.pointsio import PointReader, detect


def read(text, names, fmt="auto", source="-", block=1000):
    r = PointReader(io.StringIO(text), names, fmt, source, block)
    return r, list(r)


@pytest.mark.parametrize("source, first, fmt, want", [
    ("p.csv", '{"x": 1}', "auto", "csv"),        # the extension wins
    ("p.jsonl", "x,y", "auto", "jsonl"),
    ("p.ndjson", "x", "auto", "jsonl"),
    ("-", '  {"x": 1}', "auto", "jsonl"),         # else the content
    ("-", "x,y", "auto", "csv"),
    ("p.txt", "x,y", "jsonl", "jsonl"),           # the option wins over both
])
def test_detect(source, first, fmt, want):
    assert detect(source, first, fmt) == want


def test_csv_columns_in_any_order_with_extra_columns():
    _r, blocks = read("id,y,x\na,1,2\nb,3,4\n", ["x", "y"])
    (b,) = blocks
    assert b.X.tolist() == [[2.0, 4.0], [1.0, 3.0]] and b.echo is None
    assert b.rows.tolist() == [1, 2] and b.lines.tolist() == [2, 3]


def test_blocks_are_bounded_and_rows_keep_counting():
    text = "x\n" + "".join(f"{k}\n" for k in range(10))
    _r, blocks = read(text, ["x"], block=4)
    assert [b.X.shape[1] for b in blocks] == [4, 4, 2]
    assert np.concatenate([b.rows for b in blocks]).tolist() == list(range(1, 11))
    assert blocks[2].lines.tolist() == [10, 11]


def test_blank_lines_and_crlf():
    _r, (b,) = read("x,y\r\n1,2\r\n\r\n3,4\r\n", ["x", "y"])
    assert b.X.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert b.rows.tolist() == [1, 2] and b.lines.tolist() == [2, 4]
    assert b.echo == ["1,2", "3,4"]


@pytest.mark.parametrize("text, names, needle", [
    ("a,b\n1,2\n", ["x"], "no column x"),
    ("1,2\n3,4\n", ["x", "y"], "header of variable names"),
    ("x,x\n1,2\n", ["x"], "twice"),
])
def test_header_errors(text, names, needle):
    with pytest.raises(UsageError, match=needle):
        read(text, names)


def test_bad_csv_rows_are_numbered():
    _r, (b,) = read("x,y\n1,2\nnan,1\n1e999,1\n1\n,1\n5,6\n", ["x", "y"])
    assert b.rows.tolist() == [1, 6]
    rows = [(row, line) for row, line, _ in b.errors]
    assert rows == [(2, 3), (3, 4), (4, 5), (5, 6)]
    whys = [w for _, _, w in b.errors]
    assert "finite" in whys[0] and "finite" in whys[1] and "expected 2 cells" in whys[2]
    assert "empty cell" in whys[3]


def test_jsonl_rows():
    text = '{"x": 1, "y": 2.5, "note": "ok"}\n\n[1, 2]\n{"x": true, "y": 1}\n{"x": 1}\n{bad\n' \
           '{"x": 1e400, "y": 1}\n{"x": 3, "y": -4}\n'
    r, (b,) = read(text, ["x", "y"])
    assert r.format == "jsonl"
    assert b.X.tolist() == [[1.0, 3.0], [2.5, -4.0]] and b.rows.tolist() == [1, 7]
    whys = {row: w for row, _, w in b.errors}
    assert "JSON object" in whys[2] and "must be a number" in whys[3]
    assert "no value for y" in whys[4] and "not valid JSON" in whys[5]
    assert "finite" in whys[6]


def test_csv_writer_uses_shortest_round_trip_floats():
    out = io.StringIO()
    w = CsvWriter(out, ["x"], ["value", "d/dx"])
    w.write(np.array([[0.1, 3.0]]), np.array([[1 / 3, 1e-300], [2.0, -0.0]]))
    assert out.getvalue().splitlines() == ["x,value,d/dx", "0.1,0.3333333333333333,2.0",
                                           "3.0,1e-300,-0.0"]
    vals = [float(c) for c in out.getvalue().splitlines()[1].split(",")]
    assert vals == [0.1, 1 / 3, 2.0]


def test_jsonl_writer_is_byte_identical_to_json_dumps():
    def make(point, res, warnings):
        return {"command": "grad", "expression": 'a "quoted" {x}', "point": point,
                "value": res[0], "gradient": res[1:], "warnings": warnings}
    out = io.StringIO()
    w = JsonlWriter(out, make, 1, 2)
    X, Y = np.array([[0.1, -2.0]]), np.array([[1e-7, 5.0], [1 / 3, 1e300]])
    w.write(X, Y)
    want = [json.dumps(make(x, y, []), ensure_ascii=False, allow_nan=False)
            for x, y in zip(X.T.tolist(), Y.T.tolist(), strict=True)]
    assert out.getvalue().splitlines() == want


# -- bytes on disk: encodings, byte-order marks, binary files ----------------------------------
def read_bytes(tmp_path, data: bytes, names, name="p.csv", block=1000):
    from adcli.pointsio import open_source
    path = tmp_path / name
    path.write_bytes(data)
    with open_source(str(path)) as stream:
        r = PointReader(stream, names, "auto", str(path), block)
        return r, list(r)


def test_a_row_that_is_not_utf8_is_a_row_error_with_its_byte(tmp_path):
    _r, (b,) = read_bytes(tmp_path, b"x,note\n1,ok\n2,caf\xe9\n3,\xc3\xa9t\xc3\xa9\n", ["x"])
    assert b.X.tolist() == [[1.0, 3.0]] and b.rows.tolist() == [1, 3]
    (row, line, why), = b.errors
    assert (row, line) == (2, 3)
    assert why.startswith("not UTF-8 text (byte 0xe9 at column 6)")


def test_jsonl_row_that_is_not_utf8(tmp_path):
    data = b'{"x": 1}\n{"x": 2, "n": "caf\xe9"}\n{"x": 3}\n'
    _r, (b,) = read_bytes(tmp_path, data, ["x"], name="p.jsonl")
    assert b.X.tolist() == [[1.0, 3.0]]
    assert [(row, line) for row, line, _ in b.errors] == [(2, 2)]
    assert "not UTF-8 text (byte 0xe9" in b.errors[0][2]


def test_a_header_that_is_not_utf8_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"header \(line 1\) is not UTF-8 text \(byte 0xe9"):
        read_bytes(tmp_path, b"x,caf\xe9\n1,2\n", ["x"])


@pytest.mark.parametrize("data, needle", [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00\n1,2\n", "binary file"),
    (b"\xff\xfex\x00,\x00y\x00\n\x001\x00,\x002\x00\n\x00", "UTF-16 text"),
])
def test_binary_and_utf16_files_are_refused(tmp_path, data, needle):
    with pytest.raises(UsageError, match=needle):
        read_bytes(tmp_path, data, ["x", "y"])


@pytest.mark.parametrize("data, name", [
    (b"\xef\xbb\xbfx1,x2\r\n2,0.5\r\n", "excel.csv"),         # Excel's "CSV UTF-8"
    (b"\xef\xbb\xbfx1,x2\n2,0.5\n", "p.txt"),                 # and detected as CSV
    (b'\xef\xbb\xbf{"x1": 2, "x2": 0.5}\n', "p.txt"),         # JSON Lines, detected by '{'
    (b'\xef\xbb\xbf{"x1": 2, "x2": 0.5}\n', "p.jsonl"),
])
def test_a_byte_order_mark_is_ignored(tmp_path, data, name):
    r, (b,) = read_bytes(tmp_path, data, ["x1", "x2"], name=name)
    assert b.X.tolist() == [[2.0], [0.5]] and not b.errors
    assert b.lines.tolist() == ([2] if r.format == "csv" else [1])
    if r.format == "csv":
        assert r.columns == ["x1", "x2"] and b.echo == ["2,0.5"]


# -- RFC 4180 quoting -----------------------------------------------------------------------------
def test_quoted_cells_hold_commas_and_doubled_quotes():
    text = 'name,x1,x2\n"a, b",2,0.5\n"say ""hi""","3", "4"\nplain,5,6\n'
    _r, (b,) = read(text, ["x1", "x2"])
    assert b.X.tolist() == [[2.0, 3.0, 5.0], [0.5, 4.0, 6.0]] and not b.errors
    assert b.rows.tolist() == [1, 2, 3] and b.lines.tolist() == [2, 3, 4]


def test_quoted_header_names():
    r, (b,) = read('"x","y, the second"\n1,2\n', ["x"])
    assert r.columns == ["x", "y, the second"] and b.X.tolist() == [[1.0]]


def test_a_quoted_cell_with_line_breaks_spans_lines_and_keeps_line_numbers():
    text = 'note,x\n"two\nlines",1\n2nd,2\n"three\n\nlines ""q""",3\nlast,4\n'
    _r, blocks = read(text, ["x"], block=2)    # the records cross block boundaries too
    X = np.concatenate([blk.X for blk in blocks], axis=1)
    assert X.tolist() == [[1.0, 2.0, 3.0, 4.0]]
    assert np.concatenate([blk.rows for blk in blocks]).tolist() == [1, 2, 3, 4]
    assert np.concatenate([blk.lines for blk in blocks]).tolist() == [2, 4, 5, 8]
    assert not any(blk.errors for blk in blocks)


def test_an_unclosed_quote_is_one_bad_row_and_the_next_lines_are_read_again():
    text = 'note,x\nok,1\n"never closed,2\nfine,3\nalso,4\n'
    _r, (b,) = read(text, ["x"])
    assert b.X.tolist() == [[1.0, 3.0, 4.0]] and b.rows.tolist() == [1, 3, 4]
    assert b.lines.tolist() == [2, 4, 5]
    (row, line, why), = b.errors
    assert (row, line) == (2, 3) and "quoted cell opened on this line is not closed" in why


def test_malformed_quoting_is_a_row_error():
    _r, (b,) = read('note,x\n"a"b,1\n"ok",2\n', ["x"])
    assert b.X.tolist() == [[2.0]]
    (row, line, why), = b.errors
    assert (row, line) == (1, 2) and why.startswith("not valid CSV:")


def test_echo_keeps_quoted_cells_as_given():
    _r, (b,) = read('x,y\n"1",2\n3,4\n', ["x", "y"])
    assert b.echo == ['"1",2', "3,4"] and b.X.tolist() == [[1.0, 3.0], [2.0, 4.0]]

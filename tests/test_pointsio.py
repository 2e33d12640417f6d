"""Reading and writing --points: formats, headers, row numbers, JSON lines."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from adcli.errors import UsageError
from adcli.pointsio import CsvWriter, JsonlWriter, PointReader, detect


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
    r, blocks = read("id,y,x\na,1,2\nb,3,4\n", ["x", "y"])
    (b,) = blocks
    assert b.X.tolist() == [[2.0, 4.0], [1.0, 3.0]] and b.echo is None
    assert b.rows.tolist() == [1, 2] and b.lines.tolist() == [2, 3]


def test_blocks_are_bounded_and_rows_keep_counting():
    text = "x\n" + "".join(f"{k}\n" for k in range(10))
    r, blocks = read(text, ["x"], block=4)
    assert [b.X.shape[1] for b in blocks] == [4, 4, 2]
    assert np.concatenate([b.rows for b in blocks]).tolist() == list(range(1, 11))
    assert blocks[2].lines.tolist() == [10, 11]


def test_blank_lines_and_crlf():
    r, (b,) = read("x,y\r\n1,2\r\n\r\n3,4\r\n", ["x", "y"])
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
    r, (b,) = read("x,y\n1,2\nnan,1\n1e999,1\n1\n,1\n5,6\n", ["x", "y"])
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
            for x, y in zip(X.T.tolist(), Y.T.tolist())]
    assert out.getvalue().splitlines() == want

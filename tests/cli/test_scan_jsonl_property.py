"""Batch mode, for any bytes: one output line per input line, in order."""

import contextlib
import io
import json

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from postguard.cli import main

# Lines are arbitrary bytes without a newline; some are made to be valid records.
raw_lines = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b""))
record_lines = st.text(max_size=40).map(
    lambda t: json.dumps({"text": t}, ensure_ascii=False).encode("utf-8", "replace")
)
lines = st.lists(st.one_of(raw_lines, record_lines), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(lines=lines, final_newline=st.booleans())
def test_every_input_line_gives_exactly_one_output_line(
    tmp_path_factory, lines, final_newline
):
    path = tmp_path_factory.mktemp("jsonl") / "in.jsonl"
    content = b"\n".join(lines) + (b"\n" if final_newline else b"")
    path.write_bytes(content)
    # A line ends at "\n"; a final newline ends the last line, it starts none.
    lines = content.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["scan", "--format", "jsonl", str(path)])
    written = out.getvalue()
    assert written.isascii()
    produced = written.split("\n")
    assert produced[-1] == ""
    records = [json.loads(line) for line in produced[:-1]]
    assert len(records) == len(lines)
    for number, record in enumerate(records, start=1):
        if "error" in record:
            assert record["error"]["line"] == number
        else:
            assert record["verdict"] in ("allow", "warn", "block")
            assert json.loads(lines[number - 1])["text"] == record["text"]
    scanned = [r for r in records if "error" not in r]
    assert code in ((0, 1, 2) if scanned else (0,) if not lines else (65,))

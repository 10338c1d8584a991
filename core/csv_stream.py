"""CSV streamed so memory stays flat at any size: rows go out in blocks of
about 64 KB, every cell made safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Iterator

# Bytes of CSV per piece handed to the server: one piece per row meant one
# write to the socket per row, most of the cost of a million-row export.
BLOCK = 64 * 1024
# A spreadsheet treats a cell starting with one of these as a formula; a
# signer could make an organiser's spreadsheet run one (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text in blocks of whole rows, about BLOCK characters each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # the BOM makes spreadsheets read UTF-8
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        if buffer.tell() >= BLOCK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_crlf(data: bytes, *, quoted: bool) -> tuple[bytes, bool]:
    """PostgreSQL's COPY CSV ends rows with LF, the csv module with CRLF:
    turn every LF outside a quoted field into CRLF (a LF inside one is the
    signer's own and stays). `quoted` says whether `data` starts inside a
    quoted field; the second value says whether it ends inside one. Between
    two quote marks lies a quoted field's text or, for an escaped quote (""),
    nothing, so every other piece of a split on '"' is outside."""
    pieces = data.split(b'"')
    outside = 1 if quoted else 0
    pieces[outside::2] = [piece.replace(b"\n", b"\r\n") for piece in pieces[outside::2]]
    return b'"'.join(pieces), quoted != (len(pieces) % 2 == 0)

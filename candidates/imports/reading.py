"""Reading a CSV file as a stream: its encoding, delimiter and header row, then its data rows one by one,
each cleaned (cleaning.py) or carrying the reason it cannot be imported."""

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, Any

from ..custom_field_forms import PREFIX
from ..custom_fields import active_fields
from ..models import CustomField, Source
from .cleaning import COLUMN_BY_ALIAS, NAME_FIELDS, InvalidRow, clean_cells, clean_custom_cells

BATCH_SIZE = 1000
HEADER_SEARCH_LINES = 30
READ_CHUNK_BYTES = 256 * 1024
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SAVE_AS_UTF8 = "Save it as 'CSV UTF-8' and upload again."
IGNORE = "-"  # a column the person chose to leave out, in an import's column_map


class ImportFileError(Exception):
    """The file as a whole cannot be imported (encoding, no header, empty…); nothing is imported."""


@dataclass(frozen=True)
class ColumnMapping:
    column: str  # the header in the file
    field: str  # the candidate field it fills ("cf_<key>" for a custom field), "" when the column is ignored
    label: str  # that field's name as people read it
    chosen: bool = False  # mapped (or ignored) by the person, not recognised by name

    @property
    def custom_key(self) -> str:
        return self.field.removeprefix(PREFIX) if self.field.startswith(PREFIX) else ""


@dataclass
class Row:
    line: int  # the physical line of the file where the row starts
    cells: dict[str, str]  # the non-empty cells by field, as written in the file
    fields: dict[str, Any] = field(default_factory=dict)  # cleaned candidate fields (empty on error)
    skills: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)  # cleaned custom field values by key
    missing: tuple[str, ...] = ()  # required custom fields whose column is empty on this row (by label)
    keys: tuple[str, ...] = ()  # who the person is: normalised email and LinkedIn URL (never alike)
    error: str = ""

    @property
    def display_name(self) -> str:
        if self.fields:
            return f"{self.fields['first_name']} {self.fields.get('last_name', '')}".strip()
        first_last = f"{self.cells.get('first_name', '')} {self.cells.get('last_name', '')}".strip()
        return first_last or self.cells.get("full_name", "")


@dataclass(frozen=True)
class Layout:
    delimiter: str
    header_line: int
    columns: tuple[ColumnMapping, ...]


def read_rows(
    stream: IO[bytes], *, source: str = Source.SOURCED, column_map: dict[str, str] | None = None
) -> tuple[Layout, Iterator[Row]]:
    """Find the file's layout, then yield its data rows one by one, mapped and validated.

    Rows without a source column get ``source``. Columns named like a custom field (its label or key) fill
    it; ``column_map`` (header -> custom field key, or IGNORE) is what the person chose on the preview, and
    wins over names. Raises ImportFileError, also while iterating (a byte that is not UTF-8 may come late
    in the file).
    """
    lines = _decoded_lines(stream)
    sample = list(islice(lines, HEADER_SEARCH_LINES))
    layout = _find_layout(sample)
    definitions = active_fields(CustomField.AppliesTo.CANDIDATE)
    layout = Layout(
        layout.delimiter,
        layout.header_line,
        _map_custom_columns(layout.columns, definitions, column_map or {}),
    )
    reader = csv.reader(chain(sample, lines), delimiter=layout.delimiter)
    return layout, _data_rows(reader, layout, source, definitions)


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    head = stream.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "This is an Excel workbook, not a CSV file. In Excel use File, Save a copy, "
            "and choose 'CSV UTF-8', then upload that file."
        )
    rest = iter(lambda: stream.read(READ_CHUNK_BYTES), b"")
    if head.startswith(codecs.BOM_UTF8):
        return _utf8_lines(chain([head[3:]], rest))
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return _utf8_lines(_utf16_as_utf8(chain([head[2:]], rest), encoding))
    return _utf8_lines(chain([head], rest))


def _utf16_as_utf8(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in chunks:
            yield decoder.decode(chunk).encode()
        yield decoder.decode(b"", final=True).encode()
    except UnicodeDecodeError:
        raise ImportFileError(
            f"This file starts like UTF-16 text but is not valid UTF-16. {SAVE_AS_UTF8}"
        ) from None


def _utf8_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    for number, raw in enumerate(_byte_lines(chunks), start=1):
        try:
            text = raw.decode()
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"This file is not UTF-8 text (byte 0x{raw[error.start]:02X} on line {number}). {SAVE_AS_UTF8}"
            ) from None
        if "\x00" in text:
            raise ImportFileError(
                f"This file is not UTF-8 text (it has NUL bytes on line {number}). {SAVE_AS_UTF8}"
            )
        yield text


def _byte_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Physical lines with their endings (\\n, \\r\\n or \\r), whatever the chunk boundaries."""
    rest = b""
    for chunk in chunks:
        lines = (rest + chunk).splitlines(keepends=True)
        # The last line may continue in the next chunk (a "\r" may be half of "\r\n").
        rest = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
    if rest:
        yield rest


def _header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def _map_columns(headers: list[str]) -> tuple[ColumnMapping, ...]:
    used: set[str] = set()
    mapping = []
    for header in headers:
        column = COLUMN_BY_ALIAS.get(_header_key(header))
        if column and column.field not in used:
            used.add(column.field)
            mapping.append(ColumnMapping(header.strip(), column.field, column.label))
        else:
            mapping.append(ColumnMapping(header.strip(), "", ""))
    return tuple(mapping)


def _map_custom_columns(
    columns: tuple[ColumnMapping, ...], definitions: list[CustomField], chosen: dict[str, str]
) -> tuple[ColumnMapping, ...]:
    """Columns a person mapped (to a custom field, or ignored), then unrecognised columns named like a custom
    field; each custom field is filled from one column, and a name column stays a name column."""
    by_key = {definition.key: definition for definition in definitions}
    by_name = {_header_key(text): d for d in definitions for text in (d.key, d.label) if _header_key(text)}
    used: set[str] = set()
    mapped = []
    for column in columns:
        target = chosen.get(column.column)
        if column.field in NAME_FIELDS or (target is None and column.field):
            mapped.append(column)
            continue
        if target == IGNORE:
            mapped.append(ColumnMapping(column.column, "", "", chosen=True))
            continue
        definition = by_key.get(target or "") or (None if target else by_name.get(_header_key(column.column)))
        if definition is None or definition.key in used:
            mapped.append(ColumnMapping(column.column, "", "", chosen=bool(target)))
            continue
        used.add(definition.key)
        mapped.append(ColumnMapping(column.column, PREFIX + definition.key, definition.label, bool(target)))
    return tuple(mapped)


def _find_layout(sample: list[str]) -> Layout:
    """The delimiter and header row that recognise the most columns in the first lines of the file."""
    if not "".join(sample).strip():
        raise ImportFileError("The file is empty.")
    best: tuple[int, Layout] | None = None
    for delimiter in DELIMITERS:
        reader = csv.reader(sample, delimiter=delimiter)
        try:
            for cells in reader:
                columns = _map_columns(cells)
                recognised = sum(1 for c in columns if c.field)
                if recognised >= 2:
                    if best is None or recognised > best[0]:
                        best = (recognised, Layout(delimiter, reader.line_num, columns))
                    break
        except csv.Error:
            continue
    if best is None:
        raise ImportFileError(
            "No header row found. The first row should name the columns, "
            "for example First Name, Last Name, Email, Company."
        )
    layout = best[1]
    if not any(c.field in NAME_FIELDS for c in layout.columns):
        found = ", ".join(c.column for c in layout.columns if c.column)
        raise ImportFileError(
            f"The file has no name column: add one called 'First Name' (or 'Name'). Columns found: {found}."
        )
    return layout


def _data_rows(reader: Any, layout: Layout, source: str, definitions: list[CustomField]) -> Iterator[Row]:
    fields = [c.field for c in layout.columns]
    custom = {c.custom_key: d for c in layout.columns for d in definitions if c.custom_key == d.key}
    try:
        while reader.line_num < layout.header_line:
            next(reader)
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            if "".join(values).strip():
                yield _parse_row(line, values, fields, source, custom)
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num} cannot be read as CSV ({error}). Check the quotes on that line."
        ) from None


def _parse_row(
    line: int, values: list[str], fields: list[str], source: str, custom: dict[str, CustomField]
) -> Row:
    cells = {}
    for name, value in zip(fields, values, strict=False):
        if name and (value := value.strip()):
            cells[name] = value
    row = Row(line, cells)
    try:
        if len(values) > len(fields) and "".join(values[len(fields) :]).strip():
            raise InvalidRow(
                f"Has {len(values)} values but the header has {len(fields)} columns "
                "(a value with a comma needs quotes)."
            )
        row.fields, row.skills = clean_cells(cells, source)
        row.custom, row.missing = clean_custom_cells(cells, custom)
        row.keys = tuple(row.fields[name] for name in ("email", "linkedin_url") if row.fields.get(name))
    except InvalidRow as error:
        row.error = str(error)
    return row


def batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(islice(rows, BATCH_SIZE)):
        yield batch

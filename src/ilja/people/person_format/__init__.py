"""Read and write the person format (JSONL, CSV, XLSX) and batch results.

The person format is a stable contract (issue 2, §4): other systems feed Ilja files in it, and
officials edit them in Excel. Every file is first turned into one table of text cells (JSON
values rendered as text, Excel cells converted), so all three formats obey the same cell rules:

* lists in a cell are ``;``-separated, the parts of an item ``/``-separated —
  ``vulnerable_groups`` = ``disabled;single_parent``,
  ``unemployment_benefit_periods`` = ``2024-01-01/2024-06-30;2025-02-01/2025-03-31``,
  ``training_history`` = ``youth_academy/2023-03-01/2023-08-31/completed`` (program/start/end/
  result); a JSON array is accepted in the same cells (and is what JSONL uses);
* yes/no cells take true/false, 1/0, yes/no, y/n, 예/아니오(아니요), in any case;
* dates are ``YYYY-MM-DD`` (or real Excel date cells); whole numbers may carry thousands
  separators (``1,500,000``) or a zero fraction (``3.0``, as Excel stores numbers);
* an empty cell is an absent value: optional fields become None, which the engine reports as
  "to be verified".

Two paths then validate the table. The row path checks each record with the ``Person`` model
(the reference); the columnar path, for big files, checks whole columns with polars and builds
the ``Population`` arrays directly. Tests hold both to the same Population. The columnar path
only finds the bad rows; their messages come from the row path, so an error reads the same
whatever the file's size. Nothing is half-read: a file gives a whole Population or an error.

The package: ``cells`` (the rules, limits and errors, and the table of text cells),
``reading`` (files into that table, then either path), ``rows`` (the row path), ``columns``
(the columnar path), ``writing``, and ``xlsx`` (reading and writing workbooks).
"""

from ilja.people.person_format.cells import (
    FAST_PATH_MIN_ROWS,
    FORMATS,
    RESULT_COLUMNS,
    PersonFileError,
    PersonFileRefused,
    ReadLimits,
    ReadResult,
)
from ilja.people.person_format.reading import read_persons
from ilja.people.person_format.rows import parse_cells
from ilja.people.person_format.writing import write_persons, write_results

__all__ = ["FAST_PATH_MIN_ROWS", "FORMATS", "RESULT_COLUMNS", "PersonFileError",
           "PersonFileRefused", "ReadLimits", "ReadResult", "parse_cells", "read_persons",
           "write_persons", "write_results"]

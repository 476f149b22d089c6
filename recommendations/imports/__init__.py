"""Import recommendations from a file: the one write path for the command and the admin.

One module per format parses a file into normalised rows without touching the
database (detect.py picks the format and encoding; base.py: ParsedRow and
problems; upr_info.py, ohchr_docx.py, table.py; docs/importing.md describes
them). The rest resolves the rows' names against the reference data
(lookups.py), decides for each row whether it creates, updates or leaves a
recommendation alone (rows.py), writes in bulk (core/bulk.py), all in one
transaction (service.py). export.py writes the generic table format back.

- Identity: a recommendation is its review plus its paragraph number; rows
  without a paragraph (UPR Info) are identified by `import_key`, a hash of the
  normalised text and the sorted ISO3 codes of the recommending States. A row
  with a paragraph also matches a recommendation that has none yet but the
  same key (the paragraph is then added).
- Idempotency: a field is written only when it differs; a position is added
  only when the file's response and source differ from the current ones (and
  the current one is not a later, dated position). Importing the same file
  twice changes nothing, updated_at included.
- Fields a format does not carry are left alone (a UPR Info file does not
  clear SDGs, and replaces only UPR Info themes).
- Atomicity: every row is validated and written in one transaction; if any row
  is invalid (and skip_invalid is off), or for a dry run, the transaction is
  rolled back at the end, so the counts a dry run reports are exact.
- Speed: lookups are loaded into dicts once; rows are streamed and handled in
  chunks of 2,000, each with a fixed number of queries.
"""

from recommendations.imports.prepared import import_key
from recommendations.imports.result import Change, ImportResult, write_report
from recommendations.imports.service import FORMATS, count_rows, import_recommendations

__all__ = ["FORMATS", "Change", "ImportResult", "count_rows", "import_key", "import_recommendations", "write_report"]

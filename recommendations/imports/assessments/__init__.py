"""Assessment sheets: an organisation's assessments to CSV/XLSX and back, for editors who work offline.

- sheet.py: the columns, and reading a file into rows (no database);
- export.py: the organisation's assessments the user may see, and optionally the recommendations of a search
  it has not assessed yet, as rows to fill in;
- rows.py: each row checked against the database and written through recommendations.services;
- service.py: import_assessments(), one transaction (dry run, atomic unless skip_invalid, idempotent).

The command (import_assessments, export_assessments) and the admin (assessments list: export, import with
preview and confirm) call these.
"""

from recommendations.imports.assessments.export import ExportError, selected_rows, sheet_rows
from recommendations.imports.assessments.result import SheetResult
from recommendations.imports.assessments.service import import_assessments
from recommendations.imports.assessments.sheet import COLUMNS

__all__ = ["COLUMNS", "ExportError", "SheetResult", "import_assessments", "selected_rows", "sheet_rows"]

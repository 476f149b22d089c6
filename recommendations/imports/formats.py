"""Parsers of the files recommendations come in: one module per format, no database access.

Each turns a file into normalised rows (base.ParsedRow) and the problems found in
them; recommendations.imports resolves the names and writes. docs/importing.md
describes the formats.
"""

"""The journal as a library: vault, schema, records, search and exchange formats.

Nothing in this package imports textual or rich; the CLI and the TUI sit on top of it.
"""

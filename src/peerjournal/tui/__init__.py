"""The Textual app: screens and widgets on top of the Journal API (never SQL)."""

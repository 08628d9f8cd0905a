"""Markdown notes: lexers find regions, parsers give them meaning."""

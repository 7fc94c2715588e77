"""Sphinx helpers for the docs (left out of the sdist by MANIFEST.in, as Faker's are)."""

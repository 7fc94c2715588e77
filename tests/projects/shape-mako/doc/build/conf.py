# Sphinx configuration, as Mako's: the changelog extension renders changelog.rst.
extensions = ["changelog"]

changelog_sections = [
    "changed",
    "feature",
    "bug",
    "usecase",
    "moved",
    "removed",
]

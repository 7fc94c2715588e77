project = "uri-notes"
extensions: list[str] = []
exclude_patterns: list[str] = []
html_theme = "alabaster"

"""A hatch-vcs demo."""

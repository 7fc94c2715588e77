"""Canonical greetings."""

greetings = {"hello", "hi"}

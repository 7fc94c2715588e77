def document() -> str:
    return "providers"

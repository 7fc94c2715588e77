VERSION = "37.4.0"


def name() -> str:
    return "Ada Lovelace"

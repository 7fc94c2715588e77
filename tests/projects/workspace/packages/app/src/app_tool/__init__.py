from core_lib import answer


def main() -> None:
    print(f"the answer is {answer()}")

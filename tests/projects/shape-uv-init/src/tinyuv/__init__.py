def main() -> None:
    print("Hello from tinyuv!")

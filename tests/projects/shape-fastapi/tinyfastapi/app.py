from collections.abc import Callable


class TinyFastAPI:
    def __init__(self) -> None:
        self.routes: dict[str, Callable[[], object]] = {}

    def get(self, path: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
        def register(endpoint: Callable[[], object]) -> Callable[[], object]:
            self.routes[path] = endpoint
            return endpoint

        return register

    def call(self, path: str) -> object:
        return self.routes[path]()

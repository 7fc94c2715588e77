from functools import reduce


def identity(x):
    return x


def compose(*funcs):
    """Compose functions right to left: compose(f, g)(x) == f(g(x))."""
    if not funcs:
        return identity
    return reduce(lambda f, g: lambda *a, **kw: f(g(*a, **kw)), funcs)

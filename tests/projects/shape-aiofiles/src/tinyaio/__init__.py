"""tinyaio: a tiny library for releasekit's project-shape tests."""

import asyncio


async def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    await asyncio.sleep(0)
    return f"Hello, {name or 'world'}!"

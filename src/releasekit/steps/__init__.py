"""Release steps: one small module per step, each a :class:`~releasekit.steps.base.Step`."""

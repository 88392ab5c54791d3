"""The application layer: the controller and its commands, jobs, undo, the data lock (Qt allowed)."""

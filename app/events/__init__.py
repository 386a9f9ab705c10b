"""Event types (the catalogue), and later plans, phases, tasks and roles."""

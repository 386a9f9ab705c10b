def one_of(column, values):
    """SQL for a CHECK constraint: `column` holds one of `values` (or NULL)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"

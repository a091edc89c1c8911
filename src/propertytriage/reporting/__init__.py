"""Statistics of the mechanism (SPEC §5): the report document, its rates, charts and renderers."""

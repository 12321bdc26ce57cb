"""The managers' pages, one module per area."""

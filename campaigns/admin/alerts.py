"""Admin for alerts and custom alert rules (scoped like every tenant model)."""

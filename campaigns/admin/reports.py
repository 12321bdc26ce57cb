"""Admin for report schedules and their delivery log (scoped like every tenant model)."""

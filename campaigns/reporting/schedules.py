"""Scheduled client reports: the scheduler source that finds due schedules, and their tasks."""

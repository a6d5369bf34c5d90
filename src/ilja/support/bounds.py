"""The bounds of the support API's numbers."""

MAX_INT = 2_000_000_000  # money and counts are 32-bit INTEGER columns on PostgreSQL

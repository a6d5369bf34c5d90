"""Data files of matching: the skill vocabulary and the district travel times."""

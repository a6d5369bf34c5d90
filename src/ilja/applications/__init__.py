"""Recruitment rounds (모집 공고) and applications: intake, eligibility snapshots, status history."""

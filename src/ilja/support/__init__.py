"""Support services around training (seoul-2025-jobs-plan §1): AI certification exam-fee support,
start-up incubation, training subsidies for employment-vulnerable youth, employer events and
alumni participation."""

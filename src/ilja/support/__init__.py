"""Support services around training (PROGRAMS.md §1): AI certification exam-fee support,
start-up incubation, training subsidies for employment-vulnerable youth, employer events and
alumni participation."""

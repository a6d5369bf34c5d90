"""Operations: backup and restore, and the reliability harness (load, faults, fuzzing, attacks)."""

"""Use cases: the only layer that opens a database session and combines store calls with domain logic."""

"""Retention applied (GDPR Art. 5(1)(e)): `portal purge` removes or anonymises every
record past the period the catalogue gives its category (catalogue/retention.py)."""

"""Seed data for Satu Pintu: the service catalogue, the service points and the 2026 holidays."""

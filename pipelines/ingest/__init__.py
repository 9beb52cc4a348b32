"""Ingest: landed files read, mapped, validated against their contract and loaded (or quarantined)."""

"""Conversations as pure decisions: no I/O here."""

"""Delivery-system ingest: canonical events, adapters, the importer, and applying them."""

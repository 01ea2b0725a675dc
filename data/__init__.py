"""The delivery-state store: models, migrations, queries, the Redis side, importers, demo data."""

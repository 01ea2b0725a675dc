"""`doorstep import FILE`: deliveries, routes and drivers from CSV or JSON files, through
`import_file` (data.ingest.importer.run).

The policy (docs/ingest.md): the whole file is read and validated first; then every valid
row is written in one transaction and every bad row is reported with its row number, field
and reason. Nothing of a bad row is written. With all_or_nothing=True a single bad row means
nothing at all is written. Re-importing a file changes nothing: drivers and routes are upserts
by external id, and each delivery row becomes a 'created' event (and a 'route_assigned' one
when it names a route) whose id is a digest of the row, so the same row again is a duplicate.
"""

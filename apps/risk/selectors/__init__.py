"""Reads of the risk app: `sources` reads the ingestion apps' stored data for an evaluation,
`snapshots` reads stored risk snapshots for the APIs."""

"""Provider-neutral message types, the provider protocol, ingest and webhook endpoints."""

"""Cross-cutting seams shared by every module: errors, db helpers, pagination,
tenancy, jobs, the outbox and its relay, and the API documentation registry."""

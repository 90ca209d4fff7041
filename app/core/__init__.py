"""Cross-cutting seams shared by every module: errors, db helpers, pagination,
tenancy, jobs, events and the API documentation registry."""

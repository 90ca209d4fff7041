"""Transcripts on resolve and digests of messages left while the team is away, by mail."""

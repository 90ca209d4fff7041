"""Agents' private notes on visitors."""

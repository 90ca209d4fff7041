"""Serves the built front ends: the dashboard SPA, the widget files and the demo page."""

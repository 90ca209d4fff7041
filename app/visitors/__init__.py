"""Visitors: the people on customers' websites, their widget sessions and signed tokens."""

"""The widget's REST entry: the public session call (origin check, visitor token, widget config)."""

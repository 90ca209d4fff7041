"""Real-time gateway: the /widget and /agent Socket.IO namespaces, presence and typing."""

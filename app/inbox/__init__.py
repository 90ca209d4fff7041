"""The inbox: conversations, messages, attachments, read state and assignment."""

"""Visitor data rights (GDPR): a manager exports or erases everything stored about one visitor."""

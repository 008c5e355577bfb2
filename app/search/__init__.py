"""Full-text search over public articles, experts, events and pages (PostgreSQL and SQLite)."""

"""Pressroom: a headless publishing API for policy publishers."""

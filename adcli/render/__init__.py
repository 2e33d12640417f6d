"""Renderers: one module per text format."""

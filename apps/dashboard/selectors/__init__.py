"""Reads behind the dashboard's REST doors, one module per chart."""

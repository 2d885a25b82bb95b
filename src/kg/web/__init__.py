"""The web layer: FastAPI app, views and templates."""

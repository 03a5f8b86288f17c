"""The dev server: build into a private folder, serve it, rebuild and reload on every save."""

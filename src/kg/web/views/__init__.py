"""The routes, one module per part of the service; each view computes data, templates present it."""

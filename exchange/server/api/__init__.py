"""The library's HTTP API v1 (FastAPI) and the ASGI middleware around it."""

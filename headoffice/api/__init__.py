"""The server's edge: the FastAPI app, sync and supervisor routes, serving with uvicorn."""

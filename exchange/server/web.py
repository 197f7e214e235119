"""HTML pages of the library (search, process, compare): added by the web-pages work.

app.create_app() calls register(app) after the API routes are in place; routes added here share
the app's store (app.state.store) and settings (app.state.settings).
"""


def register(app):
    """Add the HTML routes to ``app`` (none yet)."""
    return app

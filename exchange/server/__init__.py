"""The process library server: members publish processes and, by the give-to-get rule, read others'.

app.py (HTTP API v1, FastAPI), store.py (SQLAlchemy storage), migrations.py (versioned schema),
auth.py (tokens and read policies), checks.py (model validation on publish), admin.py (what
`procex admin` does), settings.py (configuration), web.py (HTML pages, hooked into the app).
"""

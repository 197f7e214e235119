"""The process library server: members publish processes and, by the give-to-get rule, read others'.

api/ (HTTP API v1, FastAPI, and its middleware), storage/ (SQLAlchemy storage and the versioned
schema), web/ (HTML pages, hooked into the app), auth.py (tokens and read policies), checks.py
(model validation on publish), admin.py (what `procex admin` does), settings.py (configuration),
errors.py (the one error shape of API and pages).
"""

"""The municipality's workspace: import, publish, status, the adaptation diff, outdated, update."""

"""The one exception family of procex.

Every error a user can cause (a file that cannot be read, a wrong argument, a refused upload)
derives from ProcexError. cli.py catches it once and prints ``str(error)`` as one line; nothing
else reaches the user as a traceback.
"""


class ProcexError(Exception):
    """Base of all errors procex reports to a person. The message says what and what to do."""

    exit_code = 2

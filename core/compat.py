"""What differs between the Python versions procex supports (3.10 and newer)."""

try:
    import tomllib  # Python 3.11+
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

__all__ = ["tomllib"]

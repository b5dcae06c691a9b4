"""perflib's version (its own module: the batch hashes it without importing the package's front door)."""

__version__ = "0.1.0"

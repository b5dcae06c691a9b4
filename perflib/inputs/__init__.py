"""Reading what people write: YAML files, their schema, validation, and where files and frameworks are found.

Nothing here scores or judges: a file that passes is well-formed, not necessarily consistent.
"""

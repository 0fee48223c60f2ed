"""Use-cases of the backend. Nothing here imports Flask: views call these, and so does the CLI."""

"""Intent: what a question asks for — a look-up, an overview, a profile, statements, an
inventory or a reason."""

"""Documents in: read files (text, Markdown, HTML, PDF, Word) into text with its structure, and
chunk it."""

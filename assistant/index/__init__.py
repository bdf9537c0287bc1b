"""What is kept of the documents beside the chunks: indexes derived from them."""

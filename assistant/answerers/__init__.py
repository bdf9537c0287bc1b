"""The reader's-question answerers: overviews, profiles, statements and inventories, read off
the sentence index."""

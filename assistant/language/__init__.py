"""What the answer policy knows of language: names of places and countries, word lists."""

"""Answering: what a question asks for (its intent) and one answerer per intent."""

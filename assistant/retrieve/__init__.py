"""Retrieval: dense and lexical search fused, near-duplicates suppressed, sentences reranked."""

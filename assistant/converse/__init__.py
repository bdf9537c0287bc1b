"""Conversation: follow-up questions made standalone from the turns before them."""

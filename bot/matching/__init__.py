"""Building the matcher for a KB: the lexical matcher plus, when available, embeddings."""

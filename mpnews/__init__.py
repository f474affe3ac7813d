"""mpnews."""

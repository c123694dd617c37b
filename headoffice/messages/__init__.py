"""Messages head office sends by itself: templates, the outbox, and the channels they go by."""

"""One writer per sheet; ``base`` holds what they share."""

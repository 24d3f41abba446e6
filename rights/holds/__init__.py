"""Legal holds (P12): what must be kept, for a matter, until lifted."""

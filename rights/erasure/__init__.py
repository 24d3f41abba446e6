"""Erasure (P12): the engine that removes a person, the rows it touches, its report."""

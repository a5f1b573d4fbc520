"""Offline recipes that build the project's trained resources."""

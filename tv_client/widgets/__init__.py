"""Kivy widgets of the TV client: labels, poster cards and virtualised rows of cards."""

"""Tests of promptkit.client."""

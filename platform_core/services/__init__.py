"""Writes of the shared domain: plain functions, keyword-only, with an explicit actor."""

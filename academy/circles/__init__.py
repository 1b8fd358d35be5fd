"""Case circles (病例圈): doctors discuss de-identified cases in circles by specialty or disease.

Design and decisions: docs/academy-circles.md.
"""

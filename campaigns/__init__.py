"""See DESIGN.md for what this app will hold; its issue fills it."""

"""Settings: `base` carries the embedded defaults; `test` and `production` adjust it."""

"""Demo data for the embedded default and for sales demos: `manage.py seed_demo`.

- `data`: the tables (fictional sponsors and products, geography, names, page catalogue).
- `plan`: the population drawn from a seeded generator (deterministic for a seed and a day).
- `events`: the simulated interaction history (real rhythms, heavy-tailed engagement).
- `builders`: writes it all (services for named accounts, bulk inserts for the rest).
- `logins`: the fixed demo logins printed at the end.
"""

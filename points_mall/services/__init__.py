"""Writes of the points mall: earning (`earning`), orders and catalogue (`orders`), reports (`reports`).

Shared ledger arithmetic lives in `ledger`; row locks in `points_mall.lock_objects`.
"""

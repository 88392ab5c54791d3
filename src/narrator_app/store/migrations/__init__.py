"""Alembic migrations of the store's schema (run by `store.database.open_database`, never by hand).

Shipped inside the package so an installed Narrator can migrate its users' databases.
"""

"""django-oauth-toolkit as benchmark peers: stock, and configured for speed.

A minimal Django project (``settings``: DOT's defaults; ``fast_settings``:
the same with a fast client-secret hasher; ``urls``, ``wsgi``) and ``peer``,
which seeds it and starts it under a given WSGI server for ``make bench``.
"""

"""Stock django-oauth-toolkit with its default settings: a benchmark peer.

A minimal Django project (``settings``, ``urls``, ``wsgi``) and ``peer``,
which seeds it and starts it under a given WSGI server for ``make bench``.
"""

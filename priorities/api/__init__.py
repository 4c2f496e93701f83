"""The JSON API under ``/api/``, built with Django REST framework, a layer per module:

- ``serializers``: what each record looks like in JSON;
- ``filters``: the query parameters of each list, checked by the forms the pages use
  (``priorities.forms``) and applied by the models' QuerySet methods, so that ``?meetup=``
  means the same on a page and in the API;
- ``views``: read-only viewsets, each loading its rows in a fixed number of queries and
  answering conditional requests from the content version, as the reader pages do;
- ``urls``: the router, the OpenAPI schema and its Swagger UI.
"""

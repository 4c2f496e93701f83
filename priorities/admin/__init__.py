"""The editors' admin, by layer:

- ``hardening``: damaged keys and lookups refused with a message, never a 500;
- ``forms``: editors' text normalised; what the editor changed judged by what their page showed;
- ``editing``: every model page's saves (locks, retries, deletes, restores) that lose no one's work;
- ``day_tools``: the report download, the report import and quick notes, one preview flow;
- ``report_sending``: sending a day's report to the mailing list, and the record of it;
- ``registrations``: the model pages themselves.
- ``registrations``: the model pages themselves;
- ``tokens``: the editors' personal API tokens.
"""

from . import registrations, tokens  # noqa: F401 (registers the model pages)

"""Open Referral HSDS 3.1 (Human Services Data Specification) for the registry's shelters, served under /api/hsds/.

`mapping` turns a shelter into HSDS records; `views` serves them with HSDS paging; `urls` wires the paths.
"""

"""The rights a person uses (P12) and the officer's work on them.

Built on the privacy kernel: export (the download), erasure (the engine, its rows and
report), requests (asked, confirmed, executed), holds, retention, inactivity, and the
officer's back office (`admin`) and the customer's pages (`views`).
"""

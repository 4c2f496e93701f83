"""Formats the site reads from elsewhere: IRC meeting logs and hand-typed MeetBot-style notes."""

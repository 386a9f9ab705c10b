"""After the event: the guests' survey, NPS and CSAT, and (later) the review report."""

"""What a listing does with its jobs besides writing them: client-side filters and their
push-down (filters), sorting (sort), CI checks (ci), and what --watch tracks and shows
(tracker, report)."""

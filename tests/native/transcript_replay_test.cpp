// Placeholder replaced below once transcripts are recorded.

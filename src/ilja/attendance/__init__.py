"""Attendance shared by training and public jobs (issue 19 §3): the check-in code shown at a site,
excused-absence kinds and their evidence. Pure logic and file handling, and (``pages``) the
check-in and evidence pages both programs show; each domain keeps its own records and applies its
own rules (``training.checkin``, ``publicjobs.attendance``)."""

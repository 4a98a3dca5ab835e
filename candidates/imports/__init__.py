"""CSV import of candidates: read a file as a stream, map its columns, validate and dedup rows, write batches.

The file is never read whole. It is decoded as UTF-8 (with or without a byte order mark) or as UTF-16 with a
byte order mark (what Excel writes for "Unicode text"); its delimiter (comma, semicolon or tab) and header
row are detected (LinkedIn's Connections.csv starts with a few lines of notes), and its columns are mapped
to candidate fields by name. Each row is validated on its own: a bad row is reported with its physical
line in the file and a reason, and the good rows are imported.

People already in Longlist (same email in any case, or same LinkedIn profile) are matched, not created
again: only their empty fields are filled in, they join the chosen pool and the import is noted on their
timeline. A row repeating an earlier row of the same file is matched to that first occurrence.

One module per stage, each importing only those above it in this list:

- ``cleaning``: the columns a file may have and the cleaning of one row's cells into candidate fields;
- ``reading``: the file as a stream of rows (encoding, delimiter, header row), in batches of BATCH_SIZE;
- ``planning``: who each row of a batch is (new, matched, a repeat, refused), with a constant number of queries;
- ``writing``: a planned batch written in bulk (people, skills, pool membership, timeline, search text);
- ``running``: ``preview_import`` (reads the whole file and writes nothing) and ``run_import`` (each batch in
  one transaction, the job's counters kept current; only the call that claims the job does anything);
- ``tasks``: ``run_import_job``, the Celery task that runs ``run_import`` on a worker;
- ``jobs``: ``create_import`` stores an upload as a job and previews it; ``start_import`` confirms it: small
  files are imported at once, larger ones by that task.
"""

{#-
    One row per log event: the line that starts it plus its continuation
    lines (multi-line objects, stack traces, the XRAY line of a REPORT).
    Lines before the first event start of a file (a cut export) form an event
    of their own with event_number_in_file = 0 and no timestamp, so no line is
    lost.

    Set-based and one pass over the lines: each line finds the start of its
    event with an ASOF join (the last event start at or before it in the same
    file), then lines are grouped per event and put back in line order
    inside each (small) group. Measured on 100 MB of generated logs this is
    about 45 % faster than a running-count window followed by an ordered
    string_agg.

    Large inputs are assembled in buckets of files, one statement each, so
    the grouping fits in the memory limit (macros/event_assembly.sql); the
    sample is one bucket.
-#}
{{ config(post_hook="{{ insert_remaining_assembly_buckets() }}") }}

{{ assembled_events_sql(0, assembly_bucket_count()) }}

-- One row per input file seen (marts.source_files). The stream date is read
-- from the CloudWatch export path
-- (<export>/<function>/<YYYY-MM-DD>-[<version>]<stream>/<part>.gz) where present.
-- Bounded: 200,000 files (rejected first).
select
    source_file,
    try_strptime(regexp_extract(source_file, '/(\d{4}-\d{2}-\d{2})-\[', 1), '%Y-%m-%d')::date as stream_date,
    left(sha256, 12) as sha256_prefix,
    size_bytes,
    line_count,
    event_count,
    duplicate_event_count,
    transaction_count,
    status,
    error,
from marts.source_files
qualify row_number() over (order by (status <> 'loaded') desc, source_file) <= 200000

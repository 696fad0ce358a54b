{#-
    Event assembly in buckets of files (docs/benchmark.md P1).

    Grouping every line of a large input into events at once holds one list
    per event in memory (4.4 M events at 1 GB) and runs out of the 1.5 GB
    memory limit. Every event lies within one file, so the files can be cut
    into buckets (`hash(source_file) % buckets`) and assembled one bucket per
    statement: the model's own statement builds bucket 0 and its post-hook
    inserts the other buckets into the same table, in the same transaction.

    The number of buckets comes from the data (raw lines / lines per bucket,
    at least 1), so small inputs such as the real sample stay one statement
    without any bucket filter. Vars: `assembly_buckets` fixes the count (unit
    tests set 1), `assembly_lines_per_bucket` (default 2,500,000; one bucket
    of that size assembles within ~1.5 GB) sets the size.
-#}

{% macro assembly_bucket_count() -%}
    {%- if var('assembly_buckets', none) is not none -%}
        {{ return(var('assembly_buckets') | int) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set lines_per_bucket = var('assembly_lines_per_bucket', 2500000) | int -%}
    {%- set counted = run_query('select count(*) from ' ~ ref('stg_raw__log_lines')) -%}
    {%- set line_count = counted.columns[0].values()[0] | int -%}
    {{ return([1, ((line_count + lines_per_bucket - 1) // lines_per_bucket) | int] | max) }}
{%- endmacro %}


{% macro assembled_events_sql(bucket, buckets) -%}
with

log_lines as (

    select * from {{ ref('stg_raw__log_lines') }}
    {%- if buckets > 1 %}
    where hash(source_file) % {{ buckets }} = {{ bucket }}
    {%- endif %}

),

event_starts as (

    select
        source_file,
        line_number as event_line_number,
    from log_lines
    where is_event_start

),

lines_with_their_event_start as (

    select
        log_lines.source_file,
        log_lines.line_number,
        log_lines.line,
        event_starts.event_line_number,
    from log_lines
    asof left join event_starts
        on log_lines.source_file = event_starts.source_file
        and log_lines.line_number >= event_starts.event_line_number

),

lines_grouped_into_events as (

    select
        source_file,
        event_line_number,
        min(line_number) as line_number,
        max(line_number) as last_line_number,
        count(*) as line_count,
        -- the exporter's empty line after each event (and a CRLF file's
        -- carriage returns at the very end) are not part of the event text
        rtrim(
            array_to_string(
                list_transform(list_sort(list({'line_number': line_number, 'line': line})), lambda numbered: numbered.line),
                chr(10)
            ),
            chr(13) || chr(10)
        ) as event_text,
    from lines_with_their_event_start
    group by source_file, event_line_number

),

events_numbered as (

    select
        source_file,
        case
            when event_line_number is null then 0
            else row_number() over (partition by source_file, event_line_number is null order by line_number)
        end as event_number_in_file,
        line_number,
        last_line_number,
        line_count,
        event_text,
    from lines_grouped_into_events

)

select * from events_numbered
{%- endmacro %}


{% macro insert_remaining_assembly_buckets() -%}
    {#- post-hook: buckets 1 .. n-1, one insert each; renders no SQL of its own -#}
    {%- if execute -%}
        {%- set buckets = assembly_bucket_count() -%}
        {%- for bucket in range(1, buckets) -%}
            {%- do run_query('insert into ' ~ this ~ ' ' ~ assembled_events_sql(bucket, buckets)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

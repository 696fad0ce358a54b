{#-
    One row per copy of an event that an earlier file already brought (doc
    block event_identity): same log stream, same text and same occurrence
    among identical texts in its file. The first file in load order
    (loaded_at, then source_file) owns the event; every later copy is here,
    with the file that owns it. Usually empty: only overlapping exports
    fill it.

    Only a stream of two or more loaded files can hold a copy (a text
    repeated within one file is another occurrence), so only those streams'
    events are compared.
-#}
with

streams_of_several_files as (

    select log_stream
    from {{ ref('stg_raw__log_files') }}
    where status = 'loaded'
    group by log_stream
    having count(*) > 1

),

loaded_events as (

    select
        event_id,
        source_file,
        log_stream,
        text_hash,
        occurrence_in_file,
        file_loaded_at
    from {{ ref('int_log_events_loaded') }}
    where log_stream in (select log_stream from streams_of_several_files)

),

repeated_identities as (

    select log_stream, text_hash, occurrence_in_file
    from loaded_events
    group by log_stream, text_hash, occurrence_in_file
    having count(*) > 1

),

copies_ranked as (

    select
        loaded_events.event_id,
        loaded_events.source_file,
        first_value(loaded_events.source_file) over identity_in_load_order as owner_source_file,
        row_number() over identity_in_load_order as copy_number
    from loaded_events
    inner join repeated_identities
        on loaded_events.log_stream = repeated_identities.log_stream
        and loaded_events.text_hash = repeated_identities.text_hash
        and loaded_events.occurrence_in_file = repeated_identities.occurrence_in_file
    window identity_in_load_order as (
        partition by loaded_events.log_stream, loaded_events.text_hash, loaded_events.occurrence_in_file
        order by loaded_events.file_loaded_at, loaded_events.source_file
    )

)

select event_id, source_file, owner_source_file
from copies_ranked
where copy_number > 1

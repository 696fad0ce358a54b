{#-
    Privacy (DOMAIN.md section 3): names, e-mails and phone numbers never
    reach a mart. Returns the message of a log event fit for a mart:
    - debug dumps (`transaction {json}`, `record {...}`, `record.body {...}`)
      keep only their prefix: their body is a whole subscriber record;
    - a transaction block's `metadata` string is replaced (it can carry
      subscriptionName, subscriptionEmail, subscriptionPhoneNumber); its
      parsed wallet_id and delivery_id are in marts.transactions;
    - everywhere else, as a second line of defence for messages never seen
      before: values of keys that look like a name, e-mail or phone, or name
      a person (`name`, `firstName`, `subscriptionEmail`, `phoneNumber`,
      `actor`, ...), e-mail
      addresses, and `+` followed by 7 to 15 digits are replaced.
-#}
{% macro redact_personal_data(message_column, message_kind_column) -%}
    {{ return(adapter.dispatch('redact_personal_data', 'balance_sync')(message_column, message_kind_column)) }}
{%- endmacro %}

{% macro duckdb__redact_personal_data(message_column, message_kind_column) -%}
    case
        when {{ message_kind_column }} in ('debug_transaction_dump', 'debug_record_dump', 'debug_record_body_dump')
            then regexp_extract({{ message_column }}, '^(record\.body|record|transaction)', 1)
                || ' {...} [debug dump redacted: it holds names, e-mails and phone numbers]'
        -- one cheap test first: most messages hold nothing to redact
        when not regexp_matches({{ message_column }}, '(?i)name|mail|phone|actor|metadata|@|\+\d')
            then {{ message_column }}
        else regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        {{ message_column }},
                        'metadata: (?:{{ inspect_value_pattern() | replace("'", "''") }})',
                        'metadata: ''[redacted]''',
                        'g'
                    ),
                    '(?i)((?:\\?["''`])?[A-Za-z_]*(?:name|e-?mail|phone|actor)[A-Za-z_]*(?:\\?["''`])?\s*[:=]\s*)(?:\\?"(?:[^"\\]|\\[^"])*\\?"|''(?:[^''\\]|\\.)*''|`(?:[^`\\]|\\.)*`|[^\s,}\]]+)',
                    '\1"[redacted]"',
                    'g'
                ),
                '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}',
                '[redacted e-mail]',
                'g'
            ),
            '\+\d{7,15}\b',
            '[redacted phone]',
            'g'
        )
    end
{%- endmacro %}

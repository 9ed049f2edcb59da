{#- Private: the time this segments run stands for, in UTC, as 'YYYY-MM-DD HH:MM:SS': var
    `scorehouse_segments_at` when given (backfills, and demo data whose "now" is its last
    cutoff), else when the dbt run started. -#}
{% macro _segments_at() -%}
    {%- set declared = var('scorehouse_segments_at', none) -%}
    {%- if declared is none -%}
        {{ return(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }}
    {%- endif -%}
    {%- set text = declared | string -%}
    {%- if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {%- set text = text ~ ' 00:00:00' -%}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_segments_at must be a UTC date or time like 2025-09-01 or "
            ~ "2025-09-01 06:00:00, not " ~ text) }}
    {%- endif -%}
    {{ return(text | replace('T', ' ')) }}
{%- endmacro %}

{#- Private: the segments run's time as a SQL TIMESTAMP (UTC, without time zone). -#}
{% macro _segments_at_sql() -%}
    cast({{ scorehouse.sql_string(scorehouse._segments_at()) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The current time in UTC as a TIMESTAMP without time zone, the form scorehouse writes its
    registry times in (`trained_at`). -#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    {{ scorehouse.as_utc('current_timestamp') }}
{%- endmacro %}

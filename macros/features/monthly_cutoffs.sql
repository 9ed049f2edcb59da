{#- A query with one row per month start from `start_date` to `end_date`, both included,
    in a DATE column `cutoff_date`. The dates are ISO strings such as '2025-01-01'; by
    default they come from the vars `scorehouse_cutoff_start` and `scorehouse_cutoff_end`. -#}
{% macro monthly_cutoffs(start_date=none, end_date=none) -%}
    {{ return(adapter.dispatch('monthly_cutoffs', 'scorehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__monthly_cutoffs(start_date=none, end_date=none) -%}
    {%- set start_date = start_date or var('scorehouse_cutoff_start') -%}
    {%- set end_date = end_date or var('scorehouse_cutoff_end') -%}
    {%- if (end_date | string) < (start_date | string) -%}
        {{ exceptions.raise_compiler_error(
            "the last cutoff " ~ end_date ~ " comes before the first one " ~ start_date
            ~ ": check the vars scorehouse_cutoff_start and scorehouse_cutoff_end") }}
    {%- endif -%}
    {%- set first = "cast(" ~ scorehouse.sql_string(start_date) ~ " as date)" -%}
    {#- date_spine leaves out its end: stop one month after the last cutoff. -#}
    {%- set stop = dbt.dateadd('month', 1, "cast(" ~ scorehouse.sql_string(end_date) ~ " as date)") -%}
    select cast(date_month as date) as cutoff_date
    from ({{ dbt.date_spine('month', first, stop) }}) as months
{%- endmacro %}

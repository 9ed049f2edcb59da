{#- A query pairing each row of `relation` with every cutoff of `cutoffs` it comes before:
    all of the relation's columns plus `cutoff_date`, for the rows whose `timestamp_column`
    is strictly before the cutoff (and, with `days`, no more than `days` days before it).
    The as-of join every feature model starts from; aggregate its result by customer_id and
    cutoff_date. -#}
{% macro rows_before_cutoff(relation, timestamp_column, cutoffs, days=none) -%}
    {{ return(adapter.dispatch('rows_before_cutoff', 'scorehouse')(relation, timestamp_column, cutoffs, days)) }}
{%- endmacro %}

{% macro default__rows_before_cutoff(relation, timestamp_column, cutoffs, days=none) -%}
    select
        cutoffs.cutoff_date,
        source_rows.*

    from {{ relation }} as source_rows
    inner join {{ cutoffs }} as cutoffs
        on {{ scorehouse.is_before_cutoff('source_rows.' ~ timestamp_column, 'cutoffs.cutoff_date', days) }}
{%- endmacro %}

{#- Window expression: the quintile score (1..`buckets`) of `column` among the rows of the
    same `partition_by` (a list of columns, e.g. ['cutoff_date']).

    The best values score highest: the largest ones, or the smallest when
    `higher_is_better` is false (recency in days). Ties share a score, since the score
    follows `percent_rank()` (the share of rows ranked strictly worse); rows whose `column`
    is NULL (customers who never ordered) score 0 and are ranked apart, so they do not push
    the buyers' scores up. -#}
{% macro rfm_score(column, partition_by, higher_is_better=true, buckets=5) -%}
    {{ return(adapter.dispatch('rfm_score', 'scorehouse')(column, partition_by, higher_is_better, buckets)) }}
{%- endmacro %}

{% macro default__rfm_score(column, partition_by, higher_is_better=true, buckets=5) -%}
    case
        when {{ column }} is null then 0
        else cast(least({{ buckets }}, 1 + floor({{ buckets }} * percent_rank() over (
            partition by {{ partition_by | join(', ') }}, ({{ column }} is null)
            order by {{ column }} {{ 'asc' if higher_is_better else 'desc' }}
        ))) as {{ dbt.type_int() }})
    end
{%- endmacro %}

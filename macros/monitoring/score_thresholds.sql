{#- The ranking of a binary score as one row per group and distinct score: what ROC AUC,
    average precision, lift and the losses are computed from (`roc_auc`, `average_precision`,
    `lift`, `brier_score`, `log_loss` are aggregates over these rows, grouped by
    `partition_by`).

    `relation` holds one row per scored entity with a numeric `score` and an `outcome` of
    1 (positive) or 0; rows with a NULL score or outcome are left out. Columns, as DOUBLE:

      score                 the distinct score (a threshold)
      n_pos, n_neg          positives and negatives scored exactly `score`
      cum_pos, cum_neg      positives and negatives scored `score` or higher
      total_pos, total_neg  positives and negatives of the whole group

    Grouping by score first makes ties one row, which is how every metric here counts them:
    tied rows share one threshold (ROC AUC then counts a tie as half). -#}
{% macro score_thresholds(relation, partition_by, score='score', outcome='outcome') -%}
    {{ return(adapter.dispatch('score_thresholds', 'scorehouse')(relation, partition_by, score, outcome)) }}
{%- endmacro %}

{% macro default__score_thresholds(relation, partition_by, score, outcome) -%}
    {%- set double = scorehouse.type_double() -%}
    {%- set groups = partition_by | join(', ') -%}
    {%- set running = 'partition by ' ~ groups ~ ' order by score desc rows between unbounded preceding and current row' -%}
    select
        {{ groups }},
        score,
        n_pos,
        n_neg,
        sum(n_pos) over ({{ running }}) as cum_pos,
        sum(n_neg) over ({{ running }}) as cum_neg,
        sum(n_pos) over (partition by {{ groups }}) as total_pos,
        sum(n_neg) over (partition by {{ groups }}) as total_neg
    from (
        select
            {{ groups }},
            cast({{ score }} as {{ double }}) as score,
            cast(sum({{ outcome }}) as {{ double }}) as n_pos,
            cast(count(*) - sum({{ outcome }}) as {{ double }}) as n_neg
        from {{ relation }}
        where {{ score }} is not null and {{ outcome }} is not null
        group by {{ groups }}, cast({{ score }} as {{ double }})
    ) as by_score
{%- endmacro %}

{#- The Brier score, mean of (score - outcome)^2, an aggregate over `score_thresholds` rows.
    NULL unless every score lies in [0, 1] (as scikit-learn's brier_score_loss requires; a
    rule's points are no probability). -#}
{% macro brier_score() -%}
    {{ return(adapter.dispatch('brier_score', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__brier_score() -%}
    (case when min(score) >= 0 and max(score) <= 1 then
        sum(n_pos * (1 - score) * (1 - score) + n_neg * score * score)
        / (max(total_pos) + max(total_neg))
    end)
{%- endmacro %}

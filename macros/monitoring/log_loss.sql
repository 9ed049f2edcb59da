{#- The log loss (cross-entropy) of a probability, an aggregate over `score_thresholds` rows,
    as scikit-learn's log_loss computes it: the probability of each class is clipped to
    [eps, 1 - eps] with eps the float64 machine epsilon. NULL unless every score lies in
    [0, 1]. -#}
{% macro log_loss() -%}
    {{ return(adapter.dispatch('log_loss', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__log_loss() -%}
    {%- set eps = scorehouse._double('2.220446049250313e-16') -%}
    (case when min(score) >= 0 and max(score) <= 1 then
        -sum(
            n_pos * ln(greatest(least(score, 1 - {{ eps }}), {{ eps }}))
            + n_neg * ln(greatest(least(1 - score, 1 - {{ eps }}), {{ eps }}))
        ) / (max(total_pos) + max(total_neg))
    end)
{%- endmacro %}

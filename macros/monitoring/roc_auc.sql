{#- ROC AUC as the Mann-Whitney statistic, an aggregate over `score_thresholds` rows: the
    probability that a random positive scores above a random negative, a tie counting half.

      AUC = sum over scores s of n_pos(s) * (negatives below s + n_neg(s) / 2) / (P * N)

    Equal to scikit-learn's roc_auc_score. NULL when the group lacks positives or negatives. -#}
{% macro roc_auc() -%}
    {{ return(adapter.dispatch('roc_auc', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__roc_auc() -%}
    (sum(n_pos * ((total_neg - cum_neg) + n_neg / 2)) / nullif(max(total_pos) * max(total_neg), 0))
{%- endmacro %}

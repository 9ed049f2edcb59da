{#- Average precision (PR AUC) exactly as scikit-learn's average_precision_score computes
    it, an aggregate over `score_thresholds` rows: over the distinct scores taken as
    thresholds from the highest down, AP = sum of (R_n - R_(n-1)) * P_n, the step in recall
    times the precision there. The step in recall at score s is n_pos(s) / P and the
    precision is cum_pos / (cum_pos + cum_neg), so tied rows enter as one step (no
    interpolation). NULL when the group has no positives. -#}
{% macro average_precision() -%}
    {{ return(adapter.dispatch('average_precision', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__average_precision() -%}
    (sum(n_pos * (cum_pos / (cum_pos + cum_neg))) / nullif(max(total_pos), 0))
{%- endmacro %}

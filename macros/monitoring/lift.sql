{#- Lift at the top `share` of rows by score, an aggregate over `score_thresholds` rows: the
    positive rate among the top rows divided by the positive rate of all rows.

    The top holds n = round(share * rows) rows, rounded half to even and at least one, the
    count scorehouse train uses for the lift in a model's passport. Rows tied at the cut
    count in proportion: a score group straddling it adds its positives times the part of
    the group inside, which is what a random pick among the tied rows gives on average, so
    the result never depends on the order rows come in. -#}
{% macro lift(share=0.1) -%}
    {{ return(adapter.dispatch('lift', 'scorehouse')(share)) }}
{%- endmacro %}

{% macro default__lift(share) -%}
    {%- set rows = '(total_pos + total_neg)' -%}
    {%- set top = 'greatest(1, ' ~ scorehouse._round_half_even(scorehouse._double(share) ~ ' * ' ~ rows) ~ ')' -%}
    {%- set above = '(cum_pos + cum_neg - n_pos - n_neg)' -%}
    {%- set inside = 'least(greatest(' ~ top ~ ' - ' ~ above ~ ', 0), n_pos + n_neg)' -%}
    (sum(n_pos * {{ inside }} / (n_pos + n_neg)) / max({{ top }})
        / nullif(max(total_pos) / max({{ rows }}), 0))
{%- endmacro %}

{#- Private: `x` rounded to the nearest whole number, a half to the even one (Python's
    round(); DuckDB's round() takes a half away from zero). -#}
{% macro _round_half_even(x) -%}
    (case when ({{ x }}) - floor({{ x }}) = 0.5e0
        then floor({{ x }}) + (floor({{ x }}) - 2 * floor(floor({{ x }}) / 2))
        else floor(({{ x }}) + 0.5e0) end)
{%- endmacro %}

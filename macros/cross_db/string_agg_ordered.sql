{#- The non-NULL values of `expression` joined by `separator`, in the order of `order_by`
    (an aggregate). -#}
{% macro string_agg_ordered(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'scorehouse')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{#- Spark has no ordered string_agg: collect (key, value) pairs, sort them by key, keep the
    values; array_join skips the NULLs. -#}
{% macro spark__string_agg_ordered(expression, separator, order_by) -%}
    array_join(transform(
        array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ expression }}))),
        pair -> pair.v
    ), {{ separator }})
{%- endmacro %}

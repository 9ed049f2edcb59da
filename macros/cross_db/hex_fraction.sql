{#- A number in [0, 1) from the first 8 hex digits of a hex digest: int(hex[:8], 16) / 2^32.
    Exact in every engine (a 32-bit integer divided by a power of two). -#}
{% macro hex_fraction(hex_expression) -%}
    ({{ adapter.dispatch('hex_to_bigint', 'scorehouse')('substr(' ~ hex_expression ~ ', 1, 8)') }}
        / 4294967296.0e0)
{%- endmacro %}

{% macro default__hex_to_bigint(hex_expression) -%}
    cast(('0x' || {{ hex_expression }}) as bigint)
{%- endmacro %}

{% macro postgres__hex_to_bigint(hex_expression) -%}
    cast(cast(('x' || {{ hex_expression }}) as bit(32)) as bigint)
{%- endmacro %}

{% macro spark__hex_to_bigint(hex_expression) -%}
    cast(conv({{ hex_expression }}, 16, 10) as bigint)
{%- endmacro %}

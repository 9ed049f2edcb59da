{#- Statements run before (`when='pre'`) and after (`when='post'`) a generated scoring model.

    On Spark the compiled trees of an ensemble fuse into one generated Java method of tens of
    kilobytes: it still compiles, but it is far past the size the JVM's JIT compiles, so it
    runs interpreted. Measured on 1M rows with a 100-tree GBM (bench/bench_spark.py),
    scoring without whole-stage code generation took 6.8 s against 22.1 s with it, with the
    same doubles. The setting is the session's, so it is reset after the model. -#}
{% macro scoring_hooks(when) -%}
    {{ return(adapter.dispatch('scoring_hooks', 'scorehouse')(when)) }}
{%- endmacro %}

{% macro default__scoring_hooks(when) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro spark__scoring_hooks(when) -%}
    {%- if when == 'pre' -%}
        {{ return(['set spark.sql.codegen.wholeStage=false']) }}
    {%- endif -%}
    {{ return(['reset spark.sql.codegen.wholeStage']) }}
{%- endmacro %}

{#- How a model's scores are served on this run: 'model' (the champion's compiled SQL),
    'rule' (the rule baseline, after a fallback) or 'off' (disabled: no scores published).
    Read from the model's passport when the model runs, so a kill switch thrown by
    `scorehouse monitor` takes effect on the next `dbt build` without regenerating SQL.
    `compiled_version` is the champion version the calling model was generated from; a
    passport naming another champion means the generated model is stale, which is an error
    rather than a silently outdated score. -#}
{% macro serving_mode(model_name, compiled_version) -%}
    {{ return(adapter.dispatch('serving_mode', 'scorehouse')(model_name, compiled_version)) }}
{%- endmacro %}

{% macro default__serving_mode(model_name, compiled_version) -%}
    {%- if not execute -%}
        {{ return('model' if compiled_version is not none else 'rule') }}
    {%- endif -%}
    {%- set passports = adapter.get_relation(
        database=target.database, schema=target.schema, identifier='ml_passports') -%}
    {%- if passports is none -%}
        {{ return('model' if compiled_version is not none else 'rule') }}
    {%- endif -%}
    {%- set query -%}
        select serving, champion_version from {{ passports }}
        where model_name = {{ scorehouse.sql_string(model_name) }}
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {%- if rows | length == 0 -%}
        {{ return('model' if compiled_version is not none else 'rule') }}
    {%- endif -%}
    {%- set serving, champion = rows[0][0], rows[0][1] -%}
    {%- if serving == 'model' and compiled_version is none -%}
        {{ return('rule') }}
    {%- endif -%}
    {%- if serving == 'model' and champion is not none and champion | int != compiled_version | int -%}
        {{ exceptions.raise_compiler_error(
            "the scoring model for " ~ model_name ~ " was generated from version "
            ~ compiled_version ~ " but the champion is version " ~ champion
            ~ ": run `scorehouse compile " ~ model_name ~ "`") }}
    {%- endif -%}
    {{ return(serving) }}
{%- endmacro %}

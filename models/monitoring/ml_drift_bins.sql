-- The distributions drift is measured on: for every scoring run (model, version, cutoff),
-- the share of rows in each reference bin of the score and of every feature, beside the
-- share the version saw in training. ml_score_bins, ml_score_drift and ml_feature_drift
-- are read from here.
--
-- Scores come from the model's score history; feature values from the spec's
-- score_relation at the run's cutoff. Numeric values fall in the stored quantile bins
-- (lower < x <= upper, the first open below, the last open above); categories in their
-- category's bin; NULL in bin 0; a category never seen in training in bin -1 ("unseen"),
-- whose expected share is 0.
{{ config(materialized='table') }}
{%- set plan = scorehouse._drift_plan(scorehouse._monitored_models()) %}
{%- set double, text, int = scorehouse.type_double(), dbt.type_string(), dbt.type_int() %}
{%- set count_columns = [
    ('model_name', text), ('model_version', int), ('cutoff', 'date'), ('column_name', text),
    ('kind', text), ('bin', int), ('category', text), ('n_rows', dbt.type_bigint())] %}

with

reference as (
{%- if plan %}
    select
        cast(model_name as {{ text }}) as model_name,
        cast(version as {{ int }}) as model_version,
        cast(column_name as {{ text }}) as column_name,
        cast(kind as {{ text }}) as kind,
        cast(bin as {{ int }}) as bin,
        cast(lower_bound as {{ double }}) as lower_bound,
        cast(upper_bound as {{ double }}) as upper_bound,
        cast(category as {{ text }}) as category,
        cast(share as {{ double }}) as expected_share
    from {{ scorehouse._registry_relation('ml_reference_distributions') }}
    where
    {%- for e in plan %}
        (model_name = {{ scorehouse.sql_string(e.model.name) }} and version in ({{ e.versions | join(', ') }})){{ ' or' if not loop.last }}
    {%- endfor %}
{%- else %}
    select {{ scorehouse._typed_nulls([
        ('model_name', text), ('model_version', int), ('column_name', text), ('kind', text),
        ('bin', int), ('lower_bound', double), ('upper_bound', double), ('category', text),
        ('expected_share', double)]) }}
    where 1 = 0
{%- endif %}
),

runs as (
{%- for e in plan %}
    select distinct
        cast({{ scorehouse.sql_string(e.model.name) }} as {{ text }}) as model_name,
        cast(model_version as {{ int }}) as model_version,
        cast({{ adapter.quote(e.model.cutoff) }} as date) as cutoff
    from {{ e.model.history }}
    where model_version in ({{ e.versions | join(', ') }})
    {%- if not loop.last %}
    union all
    {%- endif %}
{%- else %}
    select {{ scorehouse._typed_nulls([('model_name', text), ('model_version', int), ('cutoff', 'date')]) }}
    where 1 = 0
{%- endfor %}
),
{%- for e in plan %}
{%- set i = loop.index %}
{%- set name = scorehouse.sql_string(e.model.name) %}
{%- set cutoff = adapter.quote(e.model.cutoff) %}

score_counts_{{ i }} as (
{%- set scored = [] %}{% for v in e.versions if v in e.score %}{% do scored.append(v) %}{% endfor %}
{%- for v in scored %}
    {{ scorehouse._bin_counts(e.model.name, v,
        '(select cast(' ~ cutoff ~ ' as date) as cutoff, cast(score as ' ~ double ~ ') as score'
        ~ ' from ' ~ e.model.history ~ ' where model_version = ' ~ v ~ ') as scores',
        [('__score__', 'score', 'score', e.score[v])]) | indent(4) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
{%- else %}
    select {{ scorehouse._typed_nulls(count_columns) }}
    where 1 = 0
{%- endfor %}
),
{%- if e.model.score_relation is not none and (e.numeric or e.categorical) %}
{%- set source -%}
{{ e.model.score_relation }} as f
        inner join runs
            on runs.model_name = {{ name }}
            and runs.cutoff = cast(f.{{ cutoff }} as date)
{%- endset %}

feature_counts_{{ i }} as (
    -- Numeric features: one aggregate pass per version over the version's scoring runs.
{%- set branches = [] %}
{%- for v in e.versions %}
    {%- set columns, casts = [], [] %}
    {%- for column, by_version in e.numeric.items() if v in by_version %}
        {%- do casts.append('cast(f.' ~ adapter.quote(column) ~ ' as ' ~ double ~ ') as value_' ~ loop.index) %}
        {%- do columns.append((column, 'numeric', 'value_' ~ loop.index, by_version[v])) %}
    {%- endfor %}
    {%- if columns %}{% do branches.append((v, columns, casts)) %}{% endif %}
{%- endfor %}
{%- for v, columns, casts in branches %}
    {{ scorehouse._bin_counts(e.model.name, v,
        '(select runs.cutoff, ' ~ casts | join(', ') ~ ' from ' ~ source
        ~ ' where runs.model_version = ' ~ v ~ ') as feature_rows',
        columns) | indent(4) }}
    union all
{%- endfor %}
    -- Categories: one pass, one grouping set per column; matched to their bins below.
{%- if e.categorical %}
    select
        cast({{ name }} as {{ text }}) as model_name,
        model_version,
        cutoff,
        cast(case
            {%- for column in e.categorical %}
            when grouping(value_{{ loop.index }}) = 0 then {{ scorehouse.sql_string(column) }}
            {%- endfor %}
        end as {{ text }}) as column_name,
        cast('categorical' as {{ text }}) as kind,
        cast(null as {{ int }}) as bin,
        -- in each grouping set, the other columns are NULL
        {%- set values = [] %}{% for column in e.categorical %}{% do values.append('value_' ~ loop.index) %}{% endfor %}
        cast({{ scorehouse._first_not_null(values) }} as {{ text }}) as category,
        count(*) as n_rows
    from (
        select
            runs.model_version,
            runs.cutoff
            {%- for column in e.categorical %},
            cast(f.{{ adapter.quote(column) }} as {{ text }}) as value_{{ loop.index }}
            {%- endfor %}
        from {{ source }}
    ) as category_rows
    group by grouping sets (
        {%- for column in e.categorical %}
        (model_version, cutoff, value_{{ loop.index }}){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- else %}
    select {{ scorehouse._typed_nulls(count_columns) }}
    where 1 = 0
{%- endif %}
),
{%- endif %}
{%- endfor %}

counts as (
{%- for e in plan %}
    select * from score_counts_{{ loop.index }}
    {%- if e.model.score_relation is not none and (e.numeric or e.categorical) %}
    union all
    select * from feature_counts_{{ loop.index }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
{%- else %}
    select {{ scorehouse._typed_nulls(count_columns) }}
    where 1 = 0
{%- endfor %}
),

binned as (
    -- Categories find their reference bin here; numeric values and scores have theirs.
    select
        counts.model_name,
        counts.model_version,
        counts.cutoff,
        counts.column_name,
        counts.kind,
        case
            when counts.kind <> 'categorical' then counts.bin
            when counts.category is null then 0
            else coalesce(reference.bin, -1)
        end as bin,
        counts.category,
        counts.n_rows
    from counts
    left join reference
        on counts.kind = 'categorical'
        and reference.model_name = counts.model_name
        and reference.model_version = counts.model_version
        and reference.column_name = counts.column_name
        and reference.category = counts.category
),

actual as (
    select model_name, model_version, cutoff, column_name, kind, bin, sum(n_rows) as actual_rows
    from binned
    group by model_name, model_version, cutoff, column_name, kind, bin
    -- the cumulative counts list empty bins too; `compared` gives every bin its zero (as a
    -- HAVING, the test is not pushed into the join that spreads the counts over the bins)
    having sum(n_rows) > 0
),

totals as (
    select model_name, model_version, cutoff, column_name, sum(actual_rows) as total_rows
    from actual
    group by model_name, model_version, cutoff, column_name
),

unseen as (
    -- Categories never seen in training: how many, and the first five in sort order.
    select
        model_name,
        model_version,
        cutoff,
        column_name,
        count(*) as unseen_categories,
        {{ scorehouse.string_agg_ordered('case when category_rank <= 5 then category end', "', '", 'category') }} as unseen_examples
    from (
        select
            *,
            row_number() over (
                partition by model_name, model_version, cutoff, column_name order by category
            ) as category_rank
        from binned
        where bin = -1
    ) as unseen_rows
    group by model_name, model_version, cutoff, column_name
),

expected as (
    select
        runs.model_name,
        runs.model_version,
        runs.cutoff,
        reference.column_name,
        reference.kind,
        reference.bin,
        reference.lower_bound,
        reference.upper_bound,
        reference.category,
        reference.expected_share
    from runs
    inner join reference
        on reference.model_name = runs.model_name
        and reference.model_version = runs.model_version
),

compared as (
    select
        coalesce(expected.model_name, actual.model_name) as model_name,
        coalesce(expected.model_version, actual.model_version) as model_version,
        coalesce(expected.cutoff, actual.cutoff) as cutoff,
        coalesce(expected.column_name, actual.column_name) as column_name,
        coalesce(expected.kind, actual.kind) as kind,
        coalesce(expected.bin, actual.bin) as bin,
        expected.lower_bound,
        expected.upper_bound,
        expected.category,
        coalesce(expected.expected_share, 0) as expected_share,
        coalesce(actual.actual_rows, 0) as actual_rows
    from expected
    full outer join actual
        on expected.model_name = actual.model_name
        and expected.model_version = actual.model_version
        and expected.cutoff = actual.cutoff
        and expected.column_name = actual.column_name
        and expected.bin = actual.bin
),

shares as (
    select
        compared.*,
        {{ scorehouse.safe_divide('compared.actual_rows', 'totals.total_rows') }} as actual_share,
        totals.total_rows
    from compared
    -- a run whose rows are gone from the scored relation has nothing to compare
    inner join totals using (model_name, model_version, cutoff, column_name)
),

final as (
    select
        shares.model_name,
        shares.model_version,
        shares.cutoff,
        shares.column_name,
        shares.kind,
        cast(shares.bin as {{ int }}) as bin,
        shares.lower_bound,
        shares.upper_bound,
        shares.category,
        cast(shares.expected_share as {{ double }}) as expected_share,
        cast(shares.actual_share as {{ double }}) as actual_share,
        cast(shares.actual_rows as {{ int }}) as actual_rows,
        cast(shares.total_rows as {{ int }}) as total_rows,
        {{ scorehouse.psi_term('shares.actual_share', 'shares.expected_share') }} as psi_term,
        cast(case when shares.bin = -1 then unseen.unseen_categories end as {{ int }}) as unseen_categories,
        cast(case when shares.bin = -1 then unseen.unseen_examples end as {{ text }}) as unseen_examples
    from shares
    left join unseen using (model_name, model_version, cutoff, column_name)
)

select * from final

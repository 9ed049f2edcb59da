-- Ground truth for evaluating models: never join it into features.
with

source as (

    select * from {{ raw_source('truth_churn') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(cutoff_date as date) as cutoff_date,
        cast(churn_probability as {{ scorehouse.type_double() }}) as churn_probability

    from source

)

select * from renamed

-- Ground truth for evaluating models: never join it into features.
with

source as (

    select * from {{ raw_source('truth_propensity') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(cutoff_date as date) as cutoff_date,
        cast(purchase_probability as {{ scorehouse.type_double() }}) as purchase_probability

    from source

)

select * from renamed

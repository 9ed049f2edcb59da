-- Ground truth for evaluating uplift models: never join it into features.
with

source as (

    select * from {{ raw_source('truth_uplift') }}

),

renamed as (

    select
        cast(campaign_id as {{ dbt.type_int() }}) as campaign_id,
        cast(customer_id as {{ dbt.type_bigint() }}) as customer_id,
        cast(true_uplift as {{ scorehouse.type_double() }}) as true_uplift

    from source

)

select * from renamed

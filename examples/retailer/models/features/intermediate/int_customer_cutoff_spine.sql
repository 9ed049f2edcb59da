-- Every customer at every cutoff they had signed up before: the rows of the feature and
-- label tables.
with

customers as (

    select customer_id, signup_date from {{ ref('stg_raw__customers') }}

),

cutoffs as (

    select cutoff_date from {{ ref('customer_cutoffs') }}

),

spine as (

    select
        customers.customer_id,
        cutoffs.cutoff_date,
        customers.signup_date

    from customers
    inner join cutoffs
        on customers.signup_date < cutoffs.cutoff_date

)

select * from spine

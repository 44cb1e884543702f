select * from {{ source('raw', 'quarantine') }}

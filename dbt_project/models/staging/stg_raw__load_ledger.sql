select * from {{ source('raw', 'load_ledger') }}

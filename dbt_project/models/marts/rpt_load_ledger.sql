-- Every loaded file with its hash and row accounting (read = loaded + quarantined + duplicate).
select
    file_path, kind, input_format, sha256, size_bytes,
    rows_read, rows_loaded, rows_quarantined, rows_duplicate,
    loaded_at, run_id
from {{ ref('stg_raw__load_ledger') }}

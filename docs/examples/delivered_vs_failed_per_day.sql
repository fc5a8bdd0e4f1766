-- Delivered vs failed messages per provider per day, over the DuckDB file `make demo` writes
-- (demo_output/sms.duckdb, one schema per provider). Works the same on any warehouse the
-- connector loads into: `status` and `created_at` mean the same whatever the provider.
WITH messages AS (
    SELECT provider, status, COALESCE(created_at, updated_at) AS sent_or_seen_at FROM tyntec.messages
    UNION ALL
    SELECT provider, status, COALESCE(created_at, updated_at) FROM messagemedia.messages
    UNION ALL
    SELECT provider, status, COALESCE(created_at, updated_at) FROM smsworks.messages
    UNION ALL
    -- Sinch: one delivery report per recipient (its `messages` are batches, which have no delivery status)
    SELECT provider, status, COALESCE(created_at, updated_at) FROM sinch.message_statuses
    UNION ALL
    SELECT provider, status, COALESCE(created_at, updated_at) FROM twilio.messages
)
SELECT
    provider,
    CAST(timezone('UTC', CAST(sent_or_seen_at AS TIMESTAMPTZ)) AS DATE) AS day,
    COUNT(*) FILTER (WHERE status = 'delivered') AS delivered,
    COUNT(*) FILTER (WHERE status = 'failed') AS failed
FROM messages
WHERE sent_or_seen_at IS NOT NULL
GROUP BY provider, day
ORDER BY day, provider;

-- Tickets received per month by category and by channel, as the volume tab shows them.
SELECT 'category' AS kind, category AS name, created_month AS month, count(*) AS tickets
FROM facts WHERE created_month IN (SELECT month FROM months) GROUP BY ALL
UNION ALL
SELECT 'channel', channel, created_month, count(*)
FROM facts WHERE created_month IN (SELECT month FROM months) GROUP BY ALL;

-- Up Migration
-- Sales rollups: units and orders per SKU and day (of orders that name both; ingestion
-- checks that, rows written by other means may not), and per SKU the refunded and charged-back
-- orders by the day they were placed and the day their first claim arrived. A trigger on
-- events keeps them in the transaction that stores the events, so the twin reads a month of
-- sales in a few hundred rows instead of parsing every order's payload. Events become
-- append-only: a rollup that only adds is right only if nothing is taken away.

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION bos_reject_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION bos_reject_change();

CREATE TABLE sales_daily (
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  day             date NOT NULL,
  sku             text NOT NULL,
  orders          integer NOT NULL CHECK (orders > 0),
  units           bigint NOT NULL CHECK (units > 0),
  PRIMARY KEY (org_unit_id, day, sku)
);

CREATE TABLE claims_daily (
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  placed_day      date NOT NULL,
  sku             text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('refund', 'chargeback')),
  claimed_day     date NOT NULL,
  -- No CHECK: a move's -1 is proposed as a row before it meets the row it lowers.
  orders          integer NOT NULL,
  PRIMARY KEY (org_unit_id, placed_day, sku, kind, claimed_day)
);

-- An order's events found by its reference: its placement and its claims.
CREATE INDEX events_order_ref_idx ON events (org_unit_id, (payload ->> 'orderId'), type, occurred_at)
  WHERE type IN ('order.placed', 'order.refunded', 'chargeback.received');

CREATE FUNCTION bos_roll_up_sales() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most events are neither orders nor claims: nothing to roll up.
  IF NOT EXISTS (SELECT 1 FROM new_events WHERE type IN ('order.placed', 'order.refunded', 'chargeback.received')) THEN
    RETURN NULL;
  END IF;
  -- Sorted upserts: concurrent statements lock shared rows in one order and cannot deadlock.
  INSERT INTO sales_daily AS s (org_unit_id, day, sku, orders, units)
  SELECT org_unit_id, (occurred_at AT TIME ZONE 'UTC')::date, payload ->> 'sku', count(*), sum((payload ->> 'quantity')::bigint)
    FROM new_events
   WHERE type = 'order.placed' AND payload ->> 'sku' IS NOT NULL AND jsonb_typeof(payload -> 'quantity') = 'number'
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (org_unit_id, day, sku) DO UPDATE SET orders = s.orders + excluded.orders, units = s.units + excluded.units;

  -- A claim and its order stored by concurrent transactions would each miss the other. Both
  -- take their order's bucket lock, in bucket order (no deadlock); the second to get it runs
  -- the statement below on a fresh snapshot that holds the first's events.
  PERFORM pg_advisory_xact_lock(hashtext(b.org_unit_id), b.bucket)
     FROM (SELECT DISTINCT org_unit_id, abs(hashtext(payload ->> 'orderId')) % 64 AS bucket
             FROM new_events WHERE type IN ('order.placed', 'order.refunded', 'chargeback.received')
            ORDER BY 1, 2) AS b;

  -- An order counts once per kind of claim, on the day of its first placement and of its
  -- first claim. A statement moves the orders it touches from where they stood before it
  -- (-1) to where they stand after (+1): a claim may come before its order, or an earlier
  -- claim after a later one.
  WITH touched AS (
    -- Most orders never have a claim: one probe drops them.
    SELECT DISTINCT n.org_unit_id, n.payload ->> 'orderId' AS order_ref
      FROM new_events n
     WHERE n.type IN ('order.placed', 'order.refunded', 'chargeback.received')
       AND EXISTS (SELECT 1 FROM events e
                    WHERE e.org_unit_id = n.org_unit_id AND e.payload ->> 'orderId' = n.payload ->> 'orderId'
                      AND e.type IN ('order.refunded', 'chargeback.received'))
  ), placements AS (
    SELECT t.org_unit_id, t.order_ref, side.delta, placed.day, placed.sku
      FROM touched t
     CROSS JOIN (VALUES (-1), (1)) AS side(delta)
     CROSS JOIN LATERAL (
       SELECT (e.occurred_at AT TIME ZONE 'UTC')::date AS day, e.payload ->> 'sku' AS sku
         FROM events e
        WHERE e.org_unit_id = t.org_unit_id AND e.payload ->> 'orderId' = t.order_ref AND e.type = 'order.placed'
          AND e.payload ->> 'sku' IS NOT NULL AND (side.delta = 1 OR e.id NOT IN (SELECT id FROM new_events))
        ORDER BY e.occurred_at, e.id LIMIT 1) AS placed
  ), firsts AS (
    SELECT p.org_unit_id, k.kind, p.delta, p.day AS placed_day, p.sku, claim.day AS claimed_day
      FROM placements p
     CROSS JOIN (VALUES ('refund', 'order.refunded'), ('chargeback', 'chargeback.received')) AS k(kind, type)
     CROSS JOIN LATERAL (
       SELECT (e.occurred_at AT TIME ZONE 'UTC')::date AS day
         FROM events e
        WHERE e.org_unit_id = p.org_unit_id AND e.payload ->> 'orderId' = p.order_ref AND e.type = k.type
          AND (p.delta = 1 OR e.id NOT IN (SELECT id FROM new_events))
        ORDER BY e.occurred_at, e.id LIMIT 1) AS claim
  )
  INSERT INTO claims_daily AS c (org_unit_id, placed_day, sku, kind, claimed_day, orders)
  SELECT org_unit_id, placed_day, sku, kind, claimed_day, sum(delta)
    FROM firsts
   GROUP BY 1, 2, 3, 4, 5
  HAVING sum(delta) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (org_unit_id, placed_day, sku, kind, claimed_day) DO UPDATE SET orders = c.orders + excluded.orders;
  RETURN NULL;
END;
$$;

CREATE TRIGGER events_roll_up_sales
  AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION bos_roll_up_sales();

-- The events stored before the rollups existed.
INSERT INTO sales_daily (org_unit_id, day, sku, orders, units)
SELECT org_unit_id, (occurred_at AT TIME ZONE 'UTC')::date, payload ->> 'sku', count(*), sum((payload ->> 'quantity')::bigint)
  FROM events WHERE type = 'order.placed' AND payload ->> 'sku' IS NOT NULL AND jsonb_typeof(payload -> 'quantity') = 'number'
 GROUP BY 1, 2, 3;

INSERT INTO claims_daily (org_unit_id, placed_day, sku, kind, claimed_day, orders)
SELECT placed.org_unit_id, placed.day, placed.sku, claim.kind, claim.day, count(*)
  FROM (SELECT DISTINCT ON (org_unit_id, payload ->> 'orderId') org_unit_id, payload ->> 'orderId' AS order_ref,
               (occurred_at AT TIME ZONE 'UTC')::date AS day, payload ->> 'sku' AS sku
          FROM events WHERE type = 'order.placed' AND payload ->> 'sku' IS NOT NULL
         ORDER BY org_unit_id, payload ->> 'orderId', occurred_at, id) AS placed
  JOIN (SELECT DISTINCT ON (org_unit_id, payload ->> 'orderId', type) org_unit_id, payload ->> 'orderId' AS order_ref,
               CASE type WHEN 'order.refunded' THEN 'refund' ELSE 'chargeback' END AS kind, (occurred_at AT TIME ZONE 'UTC')::date AS day
          FROM events WHERE type IN ('order.refunded', 'chargeback.received')
         ORDER BY org_unit_id, payload ->> 'orderId', type, occurred_at, id) AS claim
    ON claim.org_unit_id = placed.org_unit_id AND claim.order_ref = placed.order_ref
 GROUP BY 1, 2, 3, 4, 5;

-- Down Migration
DROP TRIGGER events_roll_up_sales ON events;
DROP FUNCTION bos_roll_up_sales();
DROP INDEX events_order_ref_idx;
DROP TABLE claims_daily;
DROP TABLE sales_daily;
DROP TRIGGER events_no_truncate ON events;
DROP TRIGGER events_append_only ON events;

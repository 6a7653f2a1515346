-- Up Migration
-- The business: catalog, creators, streams, orders, refunds, payouts, inventory movements.
-- Money is integer minor units (cents) in *_minor columns, with the currency beside it.

CREATE TABLE products (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  sku             text NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  category        text NOT NULL,
  currency        char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  price_minor     bigint NOT NULL CHECK (price_minor > 0),
  unit_cost_minor bigint NOT NULL CHECK (unit_cost_minor >= 0),
  stock           integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
  lead_time_days  integer NOT NULL DEFAULT 7 CHECK (lead_time_days BETWEEN 0 AND 365),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'retired')),
  facts           jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, sku),
  UNIQUE (org_unit_id, id)
);

CREATE TABLE creators (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  handle          text NOT NULL CHECK (handle ~ '^[a-z0-9_.]{2,40}$'),
  display_name    text NOT NULL,
  audience        integer NOT NULL CHECK (audience >= 0),
  conversion_bps  integer NOT NULL CHECK (conversion_bps BETWEEN 0 AND 10000),
  commission_bps  integer NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'offboarded')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, handle),
  UNIQUE (org_unit_id, id)
);

CREATE TABLE streams (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  creator_id      uuid NOT NULL,
  title           text NOT NULL,
  scheduled_start timestamptz NOT NULL,
  scheduled_end   timestamptz NOT NULL,
  started_at      timestamptz,
  ended_at        timestamptz,
  status          text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'live', 'ended', 'cancelled')),
  peak_viewers    integer NOT NULL DEFAULT 0,
  product_ids     uuid[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (scheduled_end > scheduled_start),
  UNIQUE (org_unit_id, id),
  FOREIGN KEY (org_unit_id, creator_id) REFERENCES creators(org_unit_id, id)
);
CREATE INDEX streams_schedule_idx ON streams (org_unit_id, scheduled_start);

CREATE TABLE orders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id      text NOT NULL REFERENCES org_units(id),
  external_id      text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
  product_id       uuid NOT NULL,
  creator_id       uuid,
  stream_id        uuid,
  customer_ref     text NOT NULL DEFAULT '',
  quantity         integer NOT NULL CHECK (quantity > 0),
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
  total_minor      bigint NOT NULL CHECK (total_minor >= 0),
  status           text NOT NULL DEFAULT 'placed'
                   CHECK (status IN ('placed', 'blocked', 'released', 'fulfilled', 'refunded', 'charged_back', 'cancelled')),
  fraud_score      double precision CHECK (fraud_score BETWEEN 0 AND 1),
  features         jsonb NOT NULL DEFAULT '{}',
  placed_at        timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, external_id),
  UNIQUE (org_unit_id, id),
  FOREIGN KEY (org_unit_id, product_id) REFERENCES products(org_unit_id, id),
  FOREIGN KEY (org_unit_id, creator_id) REFERENCES creators(org_unit_id, id),
  FOREIGN KEY (org_unit_id, stream_id) REFERENCES streams(org_unit_id, id)
);
CREATE INDEX orders_org_time_idx ON orders (org_unit_id, placed_at);
CREATE INDEX orders_creator_idx ON orders (org_unit_id, creator_id, placed_at);

CREATE TABLE refunds (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  order_id        uuid NOT NULL,
  amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason          text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'paid', 'rejected')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_unit_id, order_id) REFERENCES orders(org_unit_id, id)
);
CREATE INDEX refunds_order_idx ON refunds (org_unit_id, order_id);

CREATE TABLE payouts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  creator_id      uuid NOT NULL,
  period_start    date NOT NULL,
  period_end      date NOT NULL,
  amount_minor    bigint NOT NULL CHECK (amount_minor >= 0),
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status          text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'held', 'posted', 'blocked', 'cancelled')),
  transfer_id     uuid,
  blocked_reason  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  posted_at       timestamptz,
  CHECK (period_end >= period_start),
  UNIQUE (org_unit_id, creator_id, period_start, period_end),
  FOREIGN KEY (org_unit_id, creator_id) REFERENCES creators(org_unit_id, id)
);

CREATE TABLE inventory_movements (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  product_id      uuid NOT NULL,
  quantity_delta  integer NOT NULL CHECK (quantity_delta <> 0),
  reason          text NOT NULL CHECK (reason IN ('initial', 'sale', 'restock', 'return', 'adjustment')),
  reference       text,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_unit_id, product_id) REFERENCES products(org_unit_id, id)
);
CREATE INDEX inventory_movements_product_idx ON inventory_movements (org_unit_id, product_id, occurred_at);

-- Down Migration
DROP TABLE inventory_movements, payouts, refunds, orders, streams, creators, products;

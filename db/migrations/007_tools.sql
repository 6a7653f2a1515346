-- Up Migration
-- State the business tools write: daily ad budgets per channel, content items (drafts that
-- get published), and why an order was blocked. Money is integer minor units.

CREATE TABLE ad_budgets (
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  channel            text NOT NULL CHECK (channel IN ('meta', 'tiktok', 'google', 'youtube')),
  daily_budget_minor bigint NOT NULL CHECK (daily_budget_minor >= 0),
  currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         text NOT NULL,
  PRIMARY KEY (org_unit_id, channel)
);

CREATE TABLE content_items (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id   text NOT NULL REFERENCES org_units(id),
  kind          text NOT NULL CHECK (kind IN ('stream_teaser', 'product_description', 'social_post')),
  product_id    uuid,
  stream_id     uuid,
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'discarded')),
  quality_score double precision CHECK (quality_score BETWEEN 0 AND 1),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  published_by  text,
  -- A published item always says when and by whom.
  CHECK (status <> 'published' OR (published_at IS NOT NULL AND published_by IS NOT NULL)),
  UNIQUE (org_unit_id, id),
  FOREIGN KEY (org_unit_id, product_id) REFERENCES products(org_unit_id, id),
  FOREIGN KEY (org_unit_id, stream_id) REFERENCES streams(org_unit_id, id)
);
CREATE INDEX content_items_org_time_idx ON content_items (org_unit_id, created_at);

-- Why a blocked order is held, as payouts.blocked_reason does for payouts; cleared on release.
ALTER TABLE orders ADD COLUMN blocked_reason text;

-- Down Migration
ALTER TABLE orders DROP COLUMN blocked_reason;
DROP TABLE content_items, ad_budgets;

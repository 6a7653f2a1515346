-- Up Migration
-- Finance: a double-entry ledger. A transfer's entries sum to zero per currency (checked
-- at commit by a deferred constraint trigger); entries are append-only; corrections are
-- new transfers (reversals) linked to the original.

CREATE TABLE ledger_accounts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  path            text NOT NULL CHECK (path ~ '^[a-z][a-z0-9_-]*(:[A-Za-z0-9_-]+)+$'),
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  kind            text NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
  balance_rule    text NOT NULL DEFAULT 'none' CHECK (balance_rule IN ('none', 'debits_within_credits', 'credits_within_debits')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, path, currency),
  UNIQUE (org_unit_id, id)
);

CREATE TABLE ledger_transfers (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  transfer_key    text NOT NULL CHECK (length(transfer_key) BETWEEN 1 AND 200),
  kind            text NOT NULL DEFAULT 'transfer' CHECK (kind IN ('transfer', 'hold', 'reversal')),
  status          text NOT NULL DEFAULT 'posted' CHECK (status IN ('pending', 'posted', 'voided', 'expired')),
  reverses_id     uuid REFERENCES ledger_transfers(id),
  hold_expires_at timestamptz,
  description     text NOT NULL DEFAULT '',
  metadata        jsonb NOT NULL DEFAULT '{}',
  effective_at    timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  UNIQUE (org_unit_id, transfer_key),
  UNIQUE (org_unit_id, id),
  CHECK ((kind = 'hold') = (hold_expires_at IS NOT NULL)),
  CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
);
CREATE INDEX ledger_transfers_pending_idx ON ledger_transfers (hold_expires_at) WHERE status = 'pending';

CREATE TABLE ledger_entries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  transfer_id     uuid NOT NULL,
  account_id      uuid NOT NULL,
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- debit positive, credit negative; never zero
  amount_minor    bigint NOT NULL CHECK (amount_minor <> 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_unit_id, transfer_id) REFERENCES ledger_transfers(org_unit_id, id),
  FOREIGN KEY (org_unit_id, account_id) REFERENCES ledger_accounts(org_unit_id, id)
);
CREATE INDEX ledger_entries_transfer_idx ON ledger_entries (transfer_id);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, created_at);

CREATE FUNCTION bos_check_transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced record;
BEGIN
  SELECT currency, sum(amount_minor) AS total INTO unbalanced
    FROM ledger_entries
   WHERE transfer_id = NEW.transfer_id
   GROUP BY currency
  HAVING sum(amount_minor) <> 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transfer % does not balance: % entries sum to %',
      NEW.transfer_id, unbalanced.currency, unbalanced.total
      USING ERRCODE = 'BOS01', TABLE = 'ledger_entries';
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced
  AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION bos_check_transfer_balanced();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION bos_reject_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION bos_reject_change();

CREATE TABLE reconciliations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  period_start    date NOT NULL,
  period_end      date NOT NULL,
  source          text NOT NULL DEFAULT 'processor',
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mismatched', 'reconciled')),
  statement_lines integer NOT NULL DEFAULT 0,
  matched         integer NOT NULL DEFAULT 0,
  missing         integer NOT NULL DEFAULT 0,
  mismatched      integer NOT NULL DEFAULT 0,
  report          jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  reconciled_at   timestamptz,
  reconciled_by   text,
  CHECK (period_end >= period_start),
  UNIQUE (org_unit_id, source, period_start, period_end)
);

CREATE TABLE disputes (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id      text NOT NULL REFERENCES org_units(id),
  order_id         uuid NOT NULL,
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason           text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  hold_transfer_id uuid,
  opened_at        timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  UNIQUE (org_unit_id, order_id),
  FOREIGN KEY (org_unit_id, order_id) REFERENCES orders(org_unit_id, id),
  FOREIGN KEY (org_unit_id, hold_transfer_id) REFERENCES ledger_transfers(org_unit_id, id)
);

-- Down Migration
DROP TABLE disputes, reconciliations, ledger_entries, ledger_transfers, ledger_accounts;
DROP FUNCTION bos_check_transfer_balanced();

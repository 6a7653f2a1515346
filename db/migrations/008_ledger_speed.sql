-- Up Migration
-- Ledger write speed, same guarantees (see docs/ledger.md, Throughput).
--
-- 1. The balance check no longer runs once per entry at commit. A statement-level trigger
--    sums each statement's new entries per transfer and currency (one pass over the
--    transition table). A transfer's total at commit is the sum of its statements' deltas,
--    so when every statement's delta is zero it balances and nothing is left to check.
--    Only a transfer whose entries one statement leaves unbalanced (entries written across
--    several statements) is flagged in ledger_balance_checks, whose deferred constraint
--    trigger checks the transfer's full sum at commit, as before, and removes the flag.
-- 2. ledger_entries no longer references org_units directly: its (org_unit_id, transfer_id)
--    foreign key already ties every entry to a transfer of the same org unit, and that
--    transfer references org_units, so the direct key only added a lock on the org unit's
--    row per entry.

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_org_unit_id_fkey;

DROP TRIGGER ledger_entries_balanced ON ledger_entries;

-- Empty at rest: a flag is written and removed within the transaction that wrote the entries.
CREATE TABLE ledger_balance_checks (
  transfer_id     uuid NOT NULL
);

CREATE FUNCTION bos_flag_unbalanced_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_balance_checks (transfer_id)
  SELECT DISTINCT transfer_id
    FROM (SELECT transfer_id FROM new_entries GROUP BY transfer_id, currency HAVING sum(amount_minor) <> 0) AS unbalanced;
  RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_entries_flag_unbalanced
  AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION bos_flag_unbalanced_entries();

CREATE FUNCTION bos_check_flagged_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
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
  DELETE FROM ledger_balance_checks WHERE transfer_id = NEW.transfer_id;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_balance_checks_balanced
  AFTER INSERT ON ledger_balance_checks
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION bos_check_flagged_transfer();

-- Down Migration
DROP TRIGGER ledger_entries_flag_unbalanced ON ledger_entries;
DROP TABLE ledger_balance_checks;
DROP FUNCTION bos_check_flagged_transfer();
DROP FUNCTION bos_flag_unbalanced_entries();
CREATE CONSTRAINT TRIGGER ledger_entries_balanced
  AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION bos_check_transfer_balanced();
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_org_unit_id_fkey FOREIGN KEY (org_unit_id) REFERENCES org_units(id);

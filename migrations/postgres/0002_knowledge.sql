-- The knowledge store: one table per collection. Each row is a record's indexed fields as real
-- columns plus the record itself as JSON text in `body`, the same document shape as the journal
-- store (src/knowledge/documents.ts), so that one check (documents.ts) reads every backend.
--
-- Why `body` is text and not jsonb: the store checks every row it reads (schema + indexed
-- columns against the record) and quarantines a bad one, like the other backends; text keeps
-- the record exactly as written and costs no conversion per read or write. Ad hoc queries still
-- work: `SELECT body::jsonb -> 'action' ->> 'type' FROM mapek_executions`.
--
-- Why the columns are nullable: a row is only trusted after that check, and a row an operator
-- edited by hand is quarantined rather than refused at the door; every row the store writes
-- fills every column. Times are ISO-8601 text in the "C" collation, so that ordering and
-- ranges are the byte order every other backend uses.

CREATE TABLE mapek_decisions (
  id          text COLLATE "C" PRIMARY KEY,
  at          text COLLATE "C",
  cycle_id    text COLLATE "C",
  incident_id text COLLATE "C",
  body        text
);
CREATE INDEX mapek_decisions_at ON mapek_decisions (at);
CREATE INDEX mapek_decisions_incident ON mapek_decisions (incident_id);

-- The execution key is the primary key: the unique intent key of "no action twice".
CREATE TABLE mapek_executions (
  key         text COLLATE "C" PRIMARY KEY,
  id          text COLLATE "C",
  status      text COLLATE "C",
  rule_id     text COLLATE "C",
  target      text COLLATE "C",
  incident_id text COLLATE "C",
  decision_id text COLLATE "C",
  created_at  text COLLATE "C",
  body        text
);
CREATE INDEX mapek_executions_id ON mapek_executions (id);
CREATE INDEX mapek_executions_status ON mapek_executions (status);
CREATE INDEX mapek_executions_rule ON mapek_executions (rule_id);
CREATE INDEX mapek_executions_target ON mapek_executions (target);
CREATE INDEX mapek_executions_incident ON mapek_executions (incident_id);
CREATE INDEX mapek_executions_decision ON mapek_executions (decision_id);
CREATE INDEX mapek_executions_created ON mapek_executions (created_at);

CREATE TABLE mapek_outcomes (
  key     text COLLATE "C" PRIMARY KEY,
  rule_id text COLLATE "C",
  at      text COLLATE "C",
  body    text
);
CREATE INDEX mapek_outcomes_rule ON mapek_outcomes (rule_id);
CREATE INDEX mapek_outcomes_at ON mapek_outcomes (at);

-- id is "AT|SEQ|RULE" as in the journal store; SEQ comes from this sequence, so changes made
-- in the same millisecond by different replicas still have one order.
CREATE SEQUENCE mapek_weight_seq;
CREATE TABLE mapek_weights (
  id      text COLLATE "C" PRIMARY KEY,
  rule_id text COLLATE "C",
  at      text COLLATE "C",
  body    text
);
CREATE INDEX mapek_weights_rule ON mapek_weights (rule_id, id);

-- Approvals are rows: `mapek approve` from any machine resolves one with a compare-and-set.
CREATE TABLE mapek_approvals (
  id           text COLLATE "C" PRIMARY KEY,
  state        text COLLATE "C",
  requested_at text COLLATE "C",
  body         text
);
CREATE INDEX mapek_approvals_state ON mapek_approvals (state);

-- The controller's small named values (circuit breaker, guard-rail state).
CREATE TABLE mapek_controller (
  name text COLLATE "C" PRIMARY KEY,
  body text
);

-- Rows that failed the check on read, moved here (never dropped) with the reason.
CREATE TABLE mapek_quarantine (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  collection text NOT NULL,
  doc_id     text,
  reason     text NOT NULL,
  row_json   text NOT NULL,
  at         timestamptz NOT NULL DEFAULT clock_timestamp()
);

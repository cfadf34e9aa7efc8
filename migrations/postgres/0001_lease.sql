-- The leader lease: one row per lease name. holder and epoch change together; expires_at is
-- on the database's clock (clock_timestamp()), so no replica's clock decides who leads.
CREATE TABLE mapek_lease (
  name        text PRIMARY KEY,
  holder      text NOT NULL,
  epoch       bigint NOT NULL CHECK (epoch > 0),
  acquired_at timestamptz NOT NULL,
  renewed_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- Leader changes, kept for /healthz and the runbook's "who led when".
CREATE TABLE mapek_lease_history (
  name        text NOT NULL,
  epoch       bigint NOT NULL,
  holder      text NOT NULL,
  acquired_at timestamptz NOT NULL,
  PRIMARY KEY (name, epoch)
);

// Versioned schema of the SQLite store. The version lives in `PRAGMA user_version`; migrations run
// in order inside one IMMEDIATE transaction, so two processes opening a fresh file cannot both
// apply them, and a failed migration leaves the previous version intact.
//
// Nested records (envelope, classes, contacts, details, …) are JSON text columns; the columns the
// store filters or sorts on are plain columns with indexes. Timestamps are ISO-8601 UTC strings
// (`Date.toISOString()`), which sort correctly as text.
import type Database from 'better-sqlite3';
import { C4Error } from '../errors.ts';

export interface Migration {
  /** 1, 2, 3, … without gaps; becomes `user_version` once applied. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE organisations (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL UNIQUE,
        tier              TEXT NOT NULL,
        sector            TEXT NOT NULL,
        domains           TEXT NOT NULL,  -- JSON array
        networks          TEXT NOT NULL,  -- JSON array
        contacts          TEXT NOT NULL,  -- JSON array
        language          TEXT NOT NULL,
        default_classes   TEXT NOT NULL,  -- JSON object
        rules_accepted_at TEXT,
        created_at        TEXT NOT NULL
      ) STRICT;

      CREATE TABLE principals (
        id                   TEXT PRIMARY KEY,
        org_id               TEXT NOT NULL REFERENCES organisations(id),
        name                 TEXT NOT NULL UNIQUE,
        display_name         TEXT NOT NULL,
        email                TEXT NOT NULL,
        roles                TEXT NOT NULL,  -- JSON array
        status               TEXT NOT NULL,
        password_hash        TEXT,
        must_change_password INTEGER NOT NULL,
        smtp_secret_hash     TEXT,
        allowed_senders      TEXT NOT NULL,  -- JSON array
        totp_secret          TEXT,
        language             TEXT NOT NULL,
        time_zone            TEXT NOT NULL,
        created_at           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX principals_org ON principals(org_id);

      CREATE TABLE api_tokens (
        jti          TEXT PRIMARY KEY,
        principal_id TEXT NOT NULL REFERENCES principals(id),
        label        TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        revoked_at   TEXT
      ) STRICT;
      CREATE INDEX api_tokens_principal ON api_tokens(principal_id);

      CREATE TABLE submissions (
        id              TEXT PRIMARY KEY,
        principal_id    TEXT NOT NULL REFERENCES principals(id),
        org_id          TEXT NOT NULL REFERENCES organisations(id),
        status          TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        raw_sha256      TEXT NOT NULL,
        raw_size        INTEGER NOT NULL,
        message_id      TEXT,
        dedup_key       TEXT NOT NULL,
        envelope        TEXT NOT NULL,  -- JSON object
        classes         TEXT NOT NULL,  -- JSON object kind → class
        class_decisions TEXT NOT NULL,  -- JSON array
        subject         TEXT,
        verdict         TEXT,
        campaign        TEXT,
        details         TEXT NOT NULL,  -- JSON object
        UNIQUE (org_id, dedup_key)
      ) STRICT;
      CREATE INDEX submissions_newest ON submissions(received_at DESC, id DESC);
      CREATE INDEX submissions_status ON submissions(status, received_at DESC);
      CREATE INDEX submissions_principal ON submissions(principal_id, received_at DESC);

      CREATE TABLE samples (
        sha256        TEXT NOT NULL,
        submission_id TEXT NOT NULL REFERENCES submissions(id),
        sha1          TEXT NOT NULL,
        md5           TEXT NOT NULL,
        size          INTEGER NOT NULL,
        role          TEXT NOT NULL,
        declared_name TEXT,
        declared_type TEXT,
        detected_type TEXT,
        class         TEXT NOT NULL,
        stored_at     TEXT NOT NULL,
        purged_at     TEXT,
        details       TEXT NOT NULL,  -- JSON object
        PRIMARY KEY (sha256, submission_id)
      ) STRICT;
      CREATE INDEX samples_submission ON samples(submission_id);

      CREATE TABLE indicators (
        id         TEXT PRIMARY KEY,
        type       TEXT NOT NULL,
        value      TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE indicator_sources (
        indicator_id   TEXT NOT NULL REFERENCES indicators(id),
        submission_id  TEXT NOT NULL REFERENCES submissions(id),
        org_id         TEXT NOT NULL,
        kind           TEXT NOT NULL,
        class          TEXT NOT NULL,
        seen_at        TEXT NOT NULL,
        false_positive INTEGER NOT NULL,
        context        TEXT NOT NULL,  -- JSON object
        PRIMARY KEY (indicator_id, submission_id)
      ) STRICT;
      CREATE INDEX indicator_sources_submission ON indicator_sources(submission_id);

      -- AUTOINCREMENT: a seq is never reused, even after the highest row is gone.
      CREATE TABLE publications (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        action          TEXT NOT NULL,
        indicator_id    TEXT NOT NULL,
        submission_id   TEXT NOT NULL,
        kind            TEXT NOT NULL,
        class           TEXT NOT NULL,
        published_at    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX publications_indicator ON publications(indicator_id, seq);

      CREATE TABLE jobs (
        id            TEXT PRIMARY KEY,
        type          TEXT NOT NULL,
        submission_id TEXT NOT NULL REFERENCES submissions(id),
        status        TEXT NOT NULL,
        attempts      INTEGER NOT NULL,
        run_after     TEXT NOT NULL,
        lease_owner   TEXT,
        lease_until   TEXT,
        last_error    TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        UNIQUE (submission_id, type)
      ) STRICT;
      CREATE INDEX jobs_due ON jobs(status, run_after);
      CREATE INDEX jobs_lease ON jobs(status, lease_until);

      CREATE TABLE audit_events (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT,
        data      TEXT NOT NULL,  -- JSON object
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'sightings',
    sql: `
      -- AUTOINCREMENT: sighting ids are never reused. org_id decides visibility and is never shown.
      CREATE TABLE sightings (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        indicator_id TEXT NOT NULL REFERENCES indicators(id),
        org_id       TEXT NOT NULL REFERENCES organisations(id),
        class        TEXT NOT NULL,
        count        INTEGER NOT NULL,
        seen_at      TEXT NOT NULL,
        reported_at  TEXT NOT NULL,
        dedup_key    TEXT,
        UNIQUE (org_id, dedup_key)
      ) STRICT;
      CREATE INDEX sightings_indicator ON sightings(indicator_id);
      -- The latest entry of each indicator source (sharing views) without a sort.
      CREATE INDEX publications_source ON publications(indicator_id, submission_id, seq);
    `,
  },
  {
    version: 3,
    description: 'console sessions and second factor',
    sql: `
      -- id_hash: SHA-256 of the cookie's random id; the id itself is never stored.
      CREATE TABLE console_sessions (
        id_hash        TEXT PRIMARY KEY,
        principal_id   TEXT NOT NULL REFERENCES principals(id),
        stage          TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        last_seen_at   TEXT NOT NULL,
        client_address TEXT NOT NULL,
        data           TEXT NOT NULL  -- JSON object
      ) STRICT;
      CREATE INDEX console_sessions_principal ON console_sessions(principal_id);
      CREATE INDEX console_sessions_seen ON console_sessions(last_seen_at);

      CREATE TABLE second_factors (
        principal_id   TEXT PRIMARY KEY REFERENCES principals(id),
        recovery_codes TEXT NOT NULL,  -- JSON array of keyed hashes
        last_totp_step INTEGER,
        updated_at     TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'clustering features',
    sql: `
      -- Sender infrastructure, subject template, URL host, attachment hash per submission
      -- (analysis/correlate): mass mailing vs targeted.
      CREATE TABLE cluster_features (
        submission_id TEXT NOT NULL REFERENCES submissions(id),
        org_id        TEXT NOT NULL,
        type          TEXT NOT NULL,
        value         TEXT NOT NULL,
        seen_at       TEXT NOT NULL,
        PRIMARY KEY (submission_id, type, value)
      ) STRICT;
      CREATE INDEX cluster_features_value ON cluster_features(type, value, seen_at);
    `,
  },
  {
    version: 5,
    description: 'digest subscriptions and deliveries',
    sql: `
      -- A reader's digest subscription; its cursor on the publication log lives on the row, so
      -- moving it is one conditional UPDATE. zip_password_sealed is encrypted with the secrets key.
      CREATE TABLE digest_subscriptions (
        id                  TEXT PRIMARY KEY,
        principal_id        TEXT NOT NULL REFERENCES principals(id),
        schedule            TEXT NOT NULL,
        attachments         TEXT NOT NULL,
        zip_password_sealed TEXT,
        smime_certificate   TEXT,
        amber               INTEGER NOT NULL,
        disabled            INTEGER NOT NULL,
        cursor_seq          INTEGER NOT NULL,
        pending_to_seq      INTEGER,
        last_slot_at        TEXT,
        lease_owner         TEXT,
        lease_until         TEXT,
        last_error          TEXT,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        UNIQUE (principal_id, schedule)
      ) STRICT;

      -- One row per message the relay accepted: entries with from_seq < seq <= to_seq.
      CREATE TABLE digest_deliveries (
        id              TEXT PRIMARY KEY,
        subscription_id TEXT NOT NULL REFERENCES digest_subscriptions(id),
        from_seq        INTEGER NOT NULL,
        to_seq          INTEGER NOT NULL,
        message_id      TEXT NOT NULL,
        sent_at         TEXT NOT NULL,
        via             TEXT NOT NULL
      ) STRICT;
      CREATE INDEX digest_deliveries_subscription ON digest_deliveries(subscription_id, to_seq);
    `,
  },
  {
    version: 6,
    description: 'drills (情報連絡訓練)',
    sql: `
      CREATE TABLE drills (
        id         TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        started_by TEXT NOT NULL,  -- principal id or cli:<user>
        started_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX drills_started ON drills(started_at, id);

      -- One notice per point of contact; org name and language as they were when it was sent.
      -- token_hash: keyed hash of the acknowledgement token; the token itself is never stored.
      CREATE TABLE drill_notices (
        id           TEXT PRIMARY KEY,
        drill_id     TEXT NOT NULL REFERENCES drills(id),
        org_id       TEXT NOT NULL,
        org_name     TEXT NOT NULL,
        language     TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        address      TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        sent_at      TEXT,
        ack_at       TEXT,
        ack_via      TEXT,
        last_error   TEXT
      ) STRICT;
      CREATE INDEX drill_notices_drill ON drill_notices(drill_id);
    `,
  },
  {
    version: 7,
    description: 'exchange-level false positives',
    sql: `
      -- One row per indicator judged a false positive exchange-wide (sharing/false-positives.ts).
      -- No foreign key to indicators: the row names the type and value it withholds by itself.
      CREATE TABLE false_positives (
        indicator_id TEXT PRIMARY KEY,
        type         TEXT NOT NULL,
        value        TEXT NOT NULL,
        marked_by    TEXT NOT NULL,
        marked_at    TEXT NOT NULL,
        reason       TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    description: 'latest publication decision per indicator source',
    sql: `
      -- What was decided at publication for each (indicator, submission) pair: its latest log entry,
      -- written with the entry (sqlite-publications.ts), so a feed page reads it by key instead of
      -- grouping the log. Backfilled from the log (SQLite returns the row holding MAX(seq)).
      CREATE TABLE publication_latest (
        indicator_id  TEXT NOT NULL,
        submission_id TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        action        TEXT NOT NULL,
        class         TEXT NOT NULL,
        PRIMARY KEY (indicator_id, submission_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO publication_latest (indicator_id, submission_id, seq, action, class)
        SELECT indicator_id, submission_id, MAX(seq), action, class FROM publications GROUP BY indicator_id, submission_id;
    `,
  },
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Latest version known to this code. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}, expected ${i + 1}`);
  });
}

function refuseNewer(version: number, latest: number): void {
  if (version > latest) {
    throw new C4Error(
      'SCHEMA_TOO_NEW',
      `database schema version ${version} is newer than this program supports (${latest}); upgrade C4TAP`,
      { version, supported: latest },
    );
  }
}

/**
 * Brings the schema to the latest version. Throws SCHEMA_TOO_NEW when the file was written by a
 * newer program. Returns the versions before and after.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  checkOrder(migrations);
  const latest = latestVersion(migrations);
  const before = schemaVersion(db);
  refuseNewer(before, latest);
  if (before === latest) return { from: before, to: before };
  const apply = db.transaction(() => {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const current = schemaVersion(db);
    refuseNewer(current, latest);
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
  return { from: before, to: latest };
}

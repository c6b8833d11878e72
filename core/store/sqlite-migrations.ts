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

/**
 * What a feed page shows of indicator `id` as it is now, as feed_rows.view holds it: JSON
 * [type, value, created_at, published sources, sightings], the sources (those with a log entry)
 * as [submission, org, kind, class, seen_at, false_positive, context, latest action, latest class]
 * in seen_at, submission order, the sightings as [id, org, class, count, seen_at, reported_at] by id.
 */
function viewOf(id: string): string {
  return `(SELECT json_array(i.type, i.value, i.created_at,
             (SELECT json_group_array(json_array(src.submission_id, src.org_id, src.kind, src.class, src.seen_at, src.false_positive,
                                                 json(src.context), l.action, l.class) ORDER BY src.seen_at, src.submission_id)
                FROM indicator_sources src
                JOIN publication_latest l ON l.indicator_id = src.indicator_id AND l.submission_id = src.submission_id
               WHERE src.indicator_id = i.id),
             (SELECT json_group_array(json_array(g.id, g.org_id, g.class, g.count, g.seen_at, g.reported_at) ORDER BY g.id)
                FROM sightings g WHERE g.indicator_id = i.id))
           FROM indicators i WHERE i.id = ${id})`;
}

/** Rewrites the view on every feed row of indicator `id`. */
function refreshFeedRows(id: string): string {
  return `UPDATE feed_rows SET view = ${viewOf(id)}, type = (SELECT type FROM indicators WHERE id = ${id}) WHERE indicator_id = ${id};`;
}

const FEED_ROW_TRIGGERS = (
  [
    ['publication_latest', 'INSERT', 'NEW'],
    ['publication_latest', 'UPDATE', 'NEW'],
    ['indicator_sources', 'INSERT', 'NEW'],
    ['indicator_sources', 'UPDATE', 'NEW'],
    ['indicator_sources', 'DELETE', 'OLD'],
    ['sightings', 'INSERT', 'NEW'],
    ['sightings', 'DELETE', 'OLD'],
  ] as const
)
  .map(
    ([table, event, row]) => `
      CREATE TRIGGER feed_rows_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
        WHEN EXISTS (SELECT 1 FROM publication_latest WHERE indicator_id = ${row}.indicator_id)
      BEGIN
        ${refreshFeedRows(`${row}.indicator_id`)}
      END;`,
  )
  .join('');

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
  {
    version: 9,
    description: 'feed rows: the publication log with what a page shows, kept by triggers',
    sql: `
      -- The publication log as feed pages read it (sqlite-sharing.ts listFeedPage): one row per
      -- entry, in seq order, with what the query filters on (organisation, class, time, type) and
      -- the entry and the indicator's current view as JSON text, so a page is one range read by
      -- seq and no lookup. Triggers keep it in the transaction of every write that changes it:
      -- a log entry (publication, narrowing, retraction), a false-positive mark, a source seen
      -- again or removed, a sighting.
      CREATE TABLE feed_rows (
        seq          INTEGER PRIMARY KEY,  -- publications.seq
        indicator_id TEXT NOT NULL,
        org_id       TEXT,                 -- the submitting organisation
        class        TEXT NOT NULL,
        published_at TEXT NOT NULL,
        type         TEXT,
        entry        TEXT NOT NULL,        -- JSON [seq, key, action, indicator, submission, kind, class, published_at]
        view         TEXT                  -- see viewOf in sqlite-migrations.ts
      ) STRICT;
      CREATE INDEX feed_rows_indicator ON feed_rows(indicator_id);
      CREATE TRIGGER feed_rows_publications_insert AFTER INSERT ON publications
      BEGIN
        INSERT INTO feed_rows (seq, indicator_id, org_id, class, published_at, type, entry, view)
        VALUES (NEW.seq, NEW.indicator_id, (SELECT org_id FROM submissions WHERE id = NEW.submission_id), NEW.class, NEW.published_at,
                (SELECT type FROM indicators WHERE id = NEW.indicator_id),
                json_array(NEW.seq, NEW.idempotency_key, NEW.action, NEW.indicator_id, NEW.submission_id, NEW.kind, NEW.class, NEW.published_at),
                -- The view as it stands; the entry's publication_latest write, in the same
                -- transaction, then rewrites it on every row of the indicator.
                (SELECT view FROM feed_rows WHERE indicator_id = NEW.indicator_id ORDER BY seq DESC LIMIT 1));
      END;
${FEED_ROW_TRIGGERS}
      INSERT INTO feed_rows (seq, indicator_id, org_id, class, published_at, type, entry, view)
        SELECT p.seq, p.indicator_id, (SELECT org_id FROM submissions WHERE id = p.submission_id), p.class, p.published_at,
               (SELECT type FROM indicators WHERE id = p.indicator_id),
               json_array(p.seq, p.idempotency_key, p.action, p.indicator_id, p.submission_id, p.kind, p.class, p.published_at),
               ${viewOf('p.indicator_id')}
          FROM publications p;
    `,
  },
  {
    version: 10,
    description: 'assignment and internal notes of submissions',
    sql: `
      -- Who works on a submission (sqlite-triage-work.ts: changed by compare-and-set on assignee),
      -- and the analysts' internal notes, never published nor shown to participants.
      ALTER TABLE submissions ADD COLUMN assignee TEXT;
      ALTER TABLE submissions ADD COLUMN assigned_at TEXT;
      ALTER TABLE submissions ADD COLUMN assigned_by TEXT;
      CREATE INDEX submissions_assignee ON submissions(assignee, received_at DESC, id DESC);
      CREATE TABLE submission_notes (
        id            TEXT PRIMARY KEY,
        submission_id TEXT NOT NULL REFERENCES submissions(id),
        author_id     TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        text          TEXT NOT NULL
      ) STRICT;
      CREATE INDEX submission_notes_submission ON submission_notes(submission_id, created_at DESC, id DESC);
    `,
  },
  {
    version: 11,
    description: 'feed views: each feed row with its item as every audience sees it, stored at publication',
    sql: `
      -- What each audience sees of the indicator of a feed row, serialised with the row's entry
      -- (seq, action, time) when it is published and again after any change
      -- (sharing/feed-views.ts, sqlite-feed-views.ts), so a pull page concatenates stored text.
      ALTER TABLE feed_rows ADD COLUMN views_key TEXT;                  -- NULL: stale, compute again
      ALTER TABLE feed_rows ADD COLUMN red INTEGER NOT NULL DEFAULT 0;  -- staff view built from a RED source
      ALTER TABLE feed_rows ADD COLUMN orgs TEXT;                       -- '|org|…|': organisations of the view's sources and sightings
      ALTER TABLE feed_rows ADD COLUMN v_staff TEXT;
      ALTER TABLE feed_rows ADD COLUMN v_participant TEXT;
      ALTER TABLE feed_rows ADD COLUMN v_observer TEXT;
      ALTER TABLE feed_rows ADD COLUMN v_affiliate TEXT;
      ALTER TABLE feed_rows ADD COLUMN v_public TEXT;
      -- A page reads one ordered range per class and one for the viewer's own organisation
      -- (sqlite-sharing.ts FEED_PICK), never the rows of classes the viewer may not see.
      CREATE INDEX feed_rows_class ON feed_rows(class);
      CREATE INDEX feed_rows_org ON feed_rows(org_id);
      -- In the transaction of the write that changed the indicator: its stored views are stale.
      CREATE TRIGGER feed_rows_views_stale AFTER UPDATE OF view ON feed_rows
      BEGIN
        UPDATE feed_rows SET views_key = NULL WHERE seq = NEW.seq;
      END;
    `,
  },
  {
    version: 12,
    description: 'vault spool: sealed blobs committed with their submission, moved to the vault after the 250',
    sql: `
      -- Sealed (encrypted) vault blobs written in the same transaction as the submission that
      -- refers to them (core/store/sqlite-spool.ts), so one group commit makes a message durable;
      -- moved to the filesystem vault after the SMTP 250 and at start-up (quarantine/vault.ts).
      CREATE TABLE vault_spool (
        sha256     TEXT PRIMARY KEY,
        sealed     BLOB NOT NULL,
        spooled_at TEXT NOT NULL
      ) STRICT;
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
    throw new C4Error('SCHEMA_TOO_NEW', `database schema version ${version} is newer than this program supports (${latest}); upgrade C4TAP`, {
      version,
      supported: latest,
    });
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

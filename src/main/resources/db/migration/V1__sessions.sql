-- Session store (lma.session.store=postgres). Times are UTC instants; the final document is the
-- JSON the API returns (text, so any PostgreSQL version takes it as is).
CREATE TABLE lma_sessions (
    id             VARCHAR(128) PRIMARY KEY,
    language       VARCHAR(16),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    ended_at       TIMESTAMPTZ,
    final_document TEXT
);

CREATE INDEX lma_sessions_created ON lma_sessions (created_at, id);
CREATE INDEX lma_sessions_updated ON lma_sessions (updated_at);

CREATE TABLE lma_segments (
    session_id VARCHAR(128)     NOT NULL REFERENCES lma_sessions (id) ON DELETE CASCADE,
    segment_id INTEGER          NOT NULL,
    speaker    VARCHAR(32)      NOT NULL,
    start_s    DOUBLE PRECISION NOT NULL,
    end_s      DOUBLE PRECISION NOT NULL,
    text       TEXT             NOT NULL,
    PRIMARY KEY (session_id, segment_id)
);

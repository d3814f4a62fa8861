-- Owner: account. Session tokens are stored as their SHA-256 (hex), never as given: a copy of the database
-- (a backup, a stolen file) holds no usable session. Sessions opened before this version are dropped: their
-- holders log in again. The uuid stays as the session's name in logs; it is no longer the token.
DELETE FROM account_session;
ALTER TABLE account_session ADD COLUMN token_hash VARCHAR(64) NOT NULL;
CREATE UNIQUE INDEX uq_session_token_hash ON account_session (token_hash);
CREATE INDEX idx_session_expired ON account_session (expired_date);

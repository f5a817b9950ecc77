-- Where each session's audio is accounted for (JSON of AudioCheckpoint): a resume after a restart
-- continues from here instead of from zero.
ALTER TABLE lma_sessions ADD COLUMN audio_checkpoint TEXT;

package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JournalSessionStoreTest extends SessionStoreContract {

    @TempDir
    Path dir;

    @Override
    SessionStore store() {
        return new JournalSessionStore(dir, true);
    }

    @Override
    SessionStore reopen() {
        return new JournalSessionStore(dir, true);
    }

    @Test
    void aTornLastLineFromACrashIsSkipped() throws Exception {
        SessionStore s = store();
        s.started("t-1", "es", T0);
        TranscriptLine e = new TranscriptLine(1, "S1", 0, 1, "antes del corte");
        s.segment("t-1", e, T0.plusSeconds(1));
        Files.writeString(dir.resolve("sessions/t-1.jsonl"), "{\"type\":\"segment\",\"at\":1,\"segm", StandardOpenOption.APPEND);
        assertEquals(List.of(e), reopen().find("t-1").orElseThrow().segments());
    }
}

package io.localmodels.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes that survive a crash as far as asked: appended or replaced whole, forced to disk when {@code fsync}. */
final class DurableFiles {

    private DurableFiles() {
    }

    /** Appends {@code bytes} (the file is created when missing). */
    static void append(Path file, byte[] bytes, boolean fsync) throws IOException {
        write(file, bytes, fsync, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Writes {@code bytes} as the whole of {@code file} (created or truncated). */
    static void overwrite(Path file, byte[] bytes, boolean fsync) throws IOException {
        write(file, bytes, fsync, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void write(Path file, byte[] bytes, boolean fsync, StandardOpenOption... options) throws IOException {
        try (FileChannel ch = FileChannel.open(file, options)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (fsync) {
                ch.force(false);
            }
        }
    }
}

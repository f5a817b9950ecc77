package io.localmodels.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for what no client library lets a test do: one frame of
 * any size, fragments, bytes that are not UTF-8 in a text frame, a handshake that never finishes,
 * and a connection cut without a close frame. Reads are blocking, on the test's thread.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CONTINUATION = 0;

    /** One frame the server sent. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens a TCP connection to {@code base} and sends nothing (a slowloris client). */
    public static Socket tcp(URI base) throws IOException {
        return new Socket(base.getHost(), base.getPort());
    }

    /** Connects and completes the upgrade of {@code path} (with its query). */
    public static RawWebSocket connect(URI base, String path) throws IOException {
        Socket s = tcp(base);
        s.setSoTimeout(30_000);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                s.close();
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head);
        }
        return new RawWebSocket(s);
    }

    /** Sends one masked frame as a client must. */
    public void frame(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream(14);
        h.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            h.write(0x80 | n);
        } else if (n < 65536) {
            h.write(0x80 | 126);
            h.write(n >>> 8);
            h.write(n);
        } else {
            h.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                h.write((int) ((long) n >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        h.write(mask, 0, 4);
        byte[] masked = new byte[n];
        for (int i = 0; i < n; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(h.toByteArray());
        out.write(masked);
        out.flush();
    }

    public void text(String s) throws IOException {
        frame(TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }

    /** One message in {@code pieces} frames (a first frame, then continuations). */
    public void fragmented(int opcode, byte[] payload, int pieces) throws IOException {
        int step = (payload.length + pieces - 1) / pieces;
        for (int i = 0, off = 0; i < pieces; i++, off += step) {
            int to = Math.min(payload.length, off + step);
            frame(i == 0 ? opcode : CONTINUATION, i == pieces - 1, Arrays.copyOfRange(payload, off, to));
        }
    }

    /** The next frame, or null when the connection ended (closed or reset) without one. */
    public Frame read(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) timeoutMs);
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + timeoutMs + " ms");
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** Every frame until the server closes (its close frame last), or the connection ends. */
    public List<Frame> readUntilClose(long timeoutMs) throws IOException {
        List<Frame> frames = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("the server did not close within " + timeoutMs + " ms; got " + describe(frames));
            }
            Frame f = read(left);
            if (f == null) {
                return frames;
            }
            frames.add(f);
            if (f.opcode() == 8) {
                return frames;
            }
        }
    }

    public static String describe(List<Frame> frames) {
        StringBuilder b = new StringBuilder("[");
        for (Frame f : frames) {
            b.append(f.opcode() == 8 ? "close " + f.closeCode() : f.opcode() == 1 ? f.text() : "opcode " + f.opcode()).append("; ");
        }
        return b.append(']').toString();
    }

    /** Cuts the connection with a TCP reset, no close frame (a phone losing its network). */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

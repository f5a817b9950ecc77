package io.localmodels.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A real HTTP/1.1 server on 127.0.0.1 serving one byte array, with Range support and faults on
 * demand: drop the connection after N body bytes, ignore Range, stall. Written on raw sockets so a
 * test decides exactly what goes over the wire.
 */
public final class LoopbackFileServer implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-file-server");
        t.setDaemon(true);
        return t;
    });
    private final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] body;
    /** Request number (1-based) → drop the connection after this many body bytes; -1 to serve in full. */
    private volatile IntPredicate dropOnRequest = n -> false;
    private volatile long dropAfterBytes = -1;
    private volatile boolean honourRange = true;
    private volatile long stallMillis;
    private volatile long trickleMillis;

    public LoopbackFileServer(byte[] body) throws IOException {
        this.body = body;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    public LoopbackFileServer dropAfter(long bytes, IntPredicate onRequest) {
        this.dropAfterBytes = bytes;
        this.dropOnRequest = onRequest;
        return this;
    }

    public LoopbackFileServer ignoreRange() {
        this.honourRange = false;
        return this;
    }

    /** Sends the body one byte every {@code millis} (a server that never stops, and never gets anywhere). */
    public LoopbackFileServer trickle(long millis) {
        this.trickleMillis = millis;
        return this;
    }

    public LoopbackFileServer stallBeforeBody(long millis) {
        this.stallMillis = millis;
        return this;
    }

    public LoopbackFileServer body(byte[] newBody) {
        this.body = newBody;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** The Range header of each request, "" when absent. */
    public List<String> rangeHeaders() {
        return List.copyOf(rangeHeaders);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                pool.submit(() -> handle(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            String range = "";
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("range")) {
                    range = line.substring(colon + 1).trim();
                }
            }
            int n = requests.incrementAndGet();
            rangeHeaders.add(range);
            byte[] data = body;
            long start = 0;
            String status = "200 OK";
            String extra = "";
            if (honourRange && range.startsWith("bytes=")) {
                start = Long.parseLong(range.substring(6, range.indexOf('-')));
                if (start >= data.length) {
                    write(socket.getOutputStream(), "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                status = "206 Partial Content";
                extra = "Content-Range: bytes " + start + "-" + (data.length - 1) + "/" + data.length + "\r\n";
            }
            long length = data.length - start;
            OutputStream out = socket.getOutputStream();
            write(out, "HTTP/1.1 " + status + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length
                    + "\r\nAccept-Ranges: bytes\r\n" + extra + "Connection: close\r\n\r\n");
            out.flush();
            if (stallMillis > 0) {
                Thread.sleep(stallMillis);
            }
            long limit = dropOnRequest.test(n) && dropAfterBytes >= 0 ? Math.min(dropAfterBytes, length) : length;
            if (trickleMillis > 0) {
                for (long i = 0; i < limit; i++) {
                    out.write(data[(int) (start + i)]);
                    out.flush();
                    Thread.sleep(trickleMillis);
                }
            }
            out.write(data, (int) start, (int) limit);
            out.flush();
            if (limit < length) {
                // Abortive close: an RST, as when a phone network or proxy cuts the connection.
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            // the client went away; nothing to do
        } catch (IOException | InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
